package io.oauthmail.server.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CRLF lines on a socket, read a byte at a time so nothing is buffered past the line: after the login the
 * proxy hands the raw streams to the relay, and a read-ahead buffer would swallow the peer's next bytes.
 */
final class Lines {

    static final int MAX = 4096;

    /** A peer sent a line longer than {@link #MAX}: the session ends, after the protocol's error if it is the client. */
    static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong() {
            super("line longer than " + MAX + " bytes");
        }
    }

    private Lines() {
    }

    /** The next line without CRLF; null at end of stream; throws if longer than {@link #MAX}. */
    static String read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX) {
                throw new TooLong();
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
