package io.oauthmail.cli.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One message in mbox form (mboxrd): a {@code From } line, the message with CRLF as LF and every line that
 * starts with {@code From } after any {@code >}s given one more {@code >}, then an empty line. All of it bytes:
 * a message's body may be in any charset (or none), and only bytes carry it unchanged.
 */
final class Mbox {

    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);

    private Mbox() {
    }

    static void write(OutputStream out, Instant sent, byte[] raw) throws IOException {
        out.write(("From oauthmail " + (sent == null ? "" : sent) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body(raw));
        out.write('\n');
    }

    /** The message with CRLF turned into LF and {@code >*From } lines quoted. */
    static byte[] body(byte[] raw) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(raw.length + 64);
        boolean lineStart = true;
        for (int i = 0; i < raw.length; i++) {
            if (lineStart && needsQuote(raw, i)) {
                body.write('>');
            }
            byte b = raw[i];
            if (b == '\r' && i + 1 < raw.length && raw[i + 1] == '\n') {
                continue; // the LF that follows is written next and starts the next line
            }
            body.write(b);
            lineStart = b == '\n';
        }
        return body.toByteArray();
    }

    private static boolean needsQuote(byte[] raw, int start) {
        int i = start;
        while (i < raw.length && raw[i] == '>') {
            i++;
        }
        if (raw.length - i < FROM.length) {
            return false;
        }
        for (int k = 0; k < FROM.length; k++) {
            if (raw[i + k] != FROM[k]) {
                return false;
            }
        }
        return true;
    }
}
