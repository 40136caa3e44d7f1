package io.oauthmail.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Follows one direction of an IMAP conversation as it is relayed, without changing it: it knows where each line
 * starts and skips literals ({@code {n}} or {@code {n+}} at the end of a line, then {@code n} bytes of data), so it
 * can say whether the stream stands between two lines (where a server may put a line of its own, such as a BYE)
 * and hand each line that begins a command or response, up to a length, to a listener. The data of literals (a
 * message body) is skipped, not kept.
 */
final class ImapStream {

    private static final int TAIL = 24; // enough for "{" + 19 digits + "+}"

    private final int keep;
    private final Consumer<String> lines;
    private final byte[] head;
    private int headLength;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private long literalLeft;
    private boolean midLine;
    private boolean continuation;

    /** {@code keep}: how many bytes of a line the listener gets at most (the rest of a longer line is dropped). */
    ImapStream(int keep, Consumer<String> lines) {
        this.keep = keep;
        this.lines = lines;
        this.head = new byte[keep];
    }

    /** True between two lines: not inside a line, not inside a literal. */
    boolean atBoundary() {
        return !midLine && literalLeft == 0;
    }

    /** Follows all of {@code bytes[from, to)}. */
    void feed(byte[] bytes, int from, int to) {
        int at = from;
        while (at < to) {
            at = step(bytes, at, to);
        }
    }

    /**
     * Follows {@code bytes[from, to)} up to the first point where the stream stands between two lines and returns
     * that index ({@code from} itself if it already does); {@code to} if there is none in these bytes.
     */
    int feedToBoundary(byte[] bytes, int from, int to) {
        int at = from;
        while (at < to && !atBoundary()) {
            at = step(bytes, at, to);
        }
        return at;
    }

    /** Follows one line's byte, or as much of a literal as is here; returns the next index. */
    private int step(byte[] bytes, int at, int to) {
        if (literalLeft > 0) {
            int n = (int) Math.min(literalLeft, to - at);
            literalLeft -= n;
            return at + n;
        }
        midLine = true;
        byte b = bytes[at];
        if (b == '\n') {
            endOfLine();
        } else if (b != '\r') {
            if (headLength < keep) {
                head[headLength++] = b;
            }
            if (tailLength == TAIL) {
                System.arraycopy(tail, 1, tail, 0, TAIL - 1);
                tailLength--;
            }
            tail[tailLength++] = b;
        }
        return at + 1;
    }

    private void endOfLine() {
        long literal = literalAtEnd();
        if (literal >= 0) {
            // The line goes on after the literal's data: not a boundary, and what follows is no new command.
            if (!continuation) {
                lines.accept(new String(head, 0, headLength, StandardCharsets.ISO_8859_1));
            }
            literalLeft = literal;
            continuation = true;
        } else {
            if (!continuation) {
                lines.accept(new String(head, 0, headLength, StandardCharsets.ISO_8859_1));
            }
            midLine = false;
            continuation = false;
        }
        headLength = 0;
        tailLength = 0;
    }

    /** The length announced by a {@code {n}} or {@code {n+}} ending the line, or -1. */
    private long literalAtEnd() {
        int end = tailLength;
        if (end < 3 || tail[end - 1] != '}') {
            return -1;
        }
        end--;
        if (tail[end - 1] == '+') {
            end--;
        }
        int start = end;
        while (start > 0 && tail[start - 1] >= '0' && tail[start - 1] <= '9') {
            start--;
        }
        if (start == end || start == 0 || tail[start - 1] != '{' || end - start > 18) {
            return -1;
        }
        return Long.parseLong(new String(tail, start, end - start, StandardCharsets.US_ASCII));
    }
}
