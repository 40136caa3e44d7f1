package io.oauthmail.server.proxy;

import io.netty.buffer.ByteBuf;
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
        public void write(ByteBuf in, ByteBuf out) {
            out.writeBytes(in);
        }

        @Override
        public void ended(OutputStream out) {
        }
    };

    /**
     * Takes all of {@code in}'s readable bytes and writes them on to {@code out}. Buffers, not arrays: the relay's
     * chunks are native memory (epoll reads, TLS records), and a copy of each into a new array cost the proxy most
     * of what it allocated per command.
     */
    void write(ByteBuf in, ByteBuf out) throws IOException;

    /** The source side closed: write out anything held back, and the protocol's goodbye if the peer owes one. */
    void ended(OutputStream out) throws IOException;
}
