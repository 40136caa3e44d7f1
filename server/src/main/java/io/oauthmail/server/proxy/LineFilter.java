package io.oauthmail.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A {@link StreamFilter} that hands its subclass complete lines (LF included), each copied out of the chunk into
 * an array of the filter's (lines are short; what a filter lets pass untouched, such as a message body, is
 * copied buffer to buffer and never through the heap). A line longer than {@link #INSPECTED}
 * is not something any of the filters rewrites (capability lists are a few hundred bytes): it is passed on
 * unchanged as it arrives, so memory stays bounded whatever the server sends. A subclass can ask for the
 * next n bytes to pass untouched (an IMAP literal: a message body must never be altered).
 */
abstract class LineFilter implements StreamFilter {

    static final int INSPECTED = 8 * 1024;
    private static final int TAIL = 32;

    private final byte[] line = new byte[INSPECTED];
    private int lineLength;
    private boolean overLong;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    private long raw;

    /**
     * Writes the complete line {@code bytes[offset, offset + length)}, rewritten or not; returns how many bytes
     * after it pass untouched (0 for most protocols).
     */
    abstract long line(byte[] bytes, int offset, int length, OutputStream out) throws IOException;

    /** An over-long line went by unchanged; {@code tail} holds its last bytes. Returns as {@link #line}. */
    long passedOverLong(byte[] tail, int length) {
        return 0;
    }

    /** A line is about to go by unchanged because it is too long to inspect: write out anything held back. */
    void overLongStarts(OutputStream out) throws IOException {
    }

    /** The source closed; {@code atBoundary} says whether it closed between two lines (not inside one). */
    abstract void closed(OutputStream out, boolean atBoundary) throws IOException;

    @Override
    public final void write(ByteBuf in, ByteBuf out) throws IOException {
        ByteBufOutputStream stream = new ByteBufOutputStream(out);
        while (in.isReadable()) {
            if (raw > 0) {
                int n = (int) Math.min(raw, in.readableBytes());
                out.writeBytes(in, n);
                raw -= n;
                continue;
            }
            int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            int n = (lf < 0 ? in.writerIndex() : lf + 1) - in.readerIndex();
            if (overLong) {
                keepTail(in, n);
                out.writeBytes(in, n);
            } else if (lineLength + n <= INSPECTED) {
                in.readBytes(line, lineLength, n);
                lineLength += n;
                if (lf >= 0) {
                    int whole = lineLength;
                    lineLength = 0;
                    raw = line(line, 0, whole, stream);
                }
            } else {
                overLongStarts(stream);
                out.writeBytes(line, 0, lineLength);
                tailLength = 0;
                keepTail(Unpooled.wrappedBuffer(line, 0, lineLength), lineLength);
                keepTail(in, n);
                out.writeBytes(in, n);
                lineLength = 0;
                overLong = true;
            }
            if (overLong && lf >= 0) {
                overLong = false;
                raw = passedOverLong(tail, tailLength);
            }
        }
    }

    @Override
    public final void ended(OutputStream out) throws IOException {
        boolean atBoundary = lineLength == 0 && raw == 0 && !overLong;
        out.write(line, 0, lineLength);
        lineLength = 0;
        closed(out, atBoundary);
    }

    /** Keeps the last bytes of the next {@code n} readable ones of {@code in}, which stay unread. */
    private void keepTail(ByteBuf in, int n) {
        if (n >= TAIL) {
            in.getBytes(in.readerIndex() + n - TAIL, tail, 0, TAIL);
            tailLength = TAIL;
            return;
        }
        int keep = Math.min(tailLength, TAIL - n);
        System.arraycopy(tail, tailLength - keep, tail, 0, keep);
        in.getBytes(in.readerIndex(), tail, keep, n);
        tailLength = keep + n;
    }

    /** The line as text, byte for byte (ISO-8859-1), without its CRLF. */
    static String text(byte[] bytes, int offset, int length) {
        int end = offset + length;
        while (end > offset && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        return new String(bytes, offset, end - offset, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static void writeLine(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** Whether the line starts with {@code prefix}, ignoring ASCII case. */
    static boolean startsWith(byte[] bytes, int offset, int length, String prefix) {
        if (length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toUpperCase((char) (bytes[offset + i] & 0xff)) != Character.toUpperCase(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
