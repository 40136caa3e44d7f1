package io.oauthmail.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The byte stdout of a command line whose caller gave only a Writer ({@code OAuthMailCli.run} with a PrintWriter):
 * bytes are held until a flush and then written as UTF-8 text. A Writer cannot carry other bytes, so this is lossy
 * for them (U+FFFD); callers that need exact bytes use the {@code run} that takes an OutputStream.
 */
final class TextOnlyStdout extends OutputStream {

    private final PrintWriter out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    TextOnlyStdout(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        pending.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        pending.write(b, off, len);
    }

    @Override
    public void flush() {
        // decoded whole at a flush, so a character split across two writes is not broken in two
        out.print(pending.toString(StandardCharsets.UTF_8));
        pending.reset();
        out.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
