package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The client-to-server side of an IMAP session after the login, for a {@link ImapSessionKeeper}: passes every byte
 * on unchanged and tells the keeper each line that starts a command (or is IDLE's {@code DONE}), and whether a
 * literal follows it (such a command cannot be sent again). Literals pass uncounted as lines, so a message being
 * appended is never taken for commands.
 */
final class ImapCommandWatch extends LineFilter {

    /** Told of each command line as it goes upstream. */
    interface Commands {
        void command(String line, boolean literalFollows);
    }

    private final Commands commands;
    private boolean continuation;

    ImapCommandWatch(Commands commands) {
        this.commands = commands;
    }

    @Override
    long line(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
        long literal = ImapCapabilities.literalAtEnd(bytes, offset + length);
        if (!continuation) {
            commands.command(text(bytes, offset, length), literal >= 0);
        }
        continuation = literal >= 0;
        out.write(bytes, offset, length);
        return Math.max(literal, 0);
    }

    @Override
    void overLongStarts(OutputStream out) {
        if (!continuation) {
            commands.command(null, true);
        }
    }

    @Override
    long passedOverLong(byte[] tail, int length) {
        long literal = ImapCapabilities.literalAtEnd(tail, length);
        continuation = literal >= 0;
        return Math.max(literal, 0);
    }

    @Override
    void closed(OutputStream out, boolean atBoundary) {
    }
}
