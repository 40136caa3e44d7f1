package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One direction of the relay after the login: sees the bytes in the chunks they arrive in and writes them on,
 * rewritten where the protocol needs it. Stateful, so one per direction per session; never buffers more than
 * a line.
 */
interface StreamFilter {

    /** Passes every byte on unchanged. */
    StreamFilter NONE = new StreamFilter() {
        @Override
        public void write(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void ended(OutputStream out) {
        }
    };

    void write(byte[] bytes, int offset, int length, OutputStream out) throws IOException;

    /** The source side closed: write out anything held back, and the protocol's goodbye if the peer owes one. */
    void ended(OutputStream out) throws IOException;
}
