package io.oauthmail.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a local client sends before its login, cut into lines (text without CRLF) and, when the dialogue asks
 * for one, an IMAP literal ({@link #expectLiteral}: the next n bytes as a {@code byte[]}). Everything is
 * bounded, because a client that has not logged in is a stranger: a line longer than {@link #MAX_LINE}, or more
 * than {@link #MAX_BEFORE_LOGIN} bytes in all, yields one {@link Overflow} and nothing after it (the session
 * says why and closes). Removed from the pipeline at the login, it hands the bytes it holds (commands the client
 * pipelined behind its login) on to the relay.
 */
final class ClientInput extends ByteToMessageDecoder {

    /** Longest line taken before the login: a login line with a long password fits many times over. */
    static final int MAX_LINE = 4096;
    /** All a client may send before it has logged in: enough for any login dialogue, nothing more. */
    static final int MAX_BEFORE_LOGIN = 64 * 1024;

    /** The client went over a bound; {@code line} says whether it was the line length (else the total). */
    record Overflow(boolean line) {
    }

    private long consumed;
    private int literal = -1;
    private boolean overflowed;

    /** The next {@code n} bytes are an IMAP literal, delivered whole as a {@code byte[]}. */
    void expectLiteral(int n) {
        literal = n;
    }

    /** Bytes received but not yet handed on: a client that pipelined something behind STARTTLS has some. */
    int pending() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (overflowed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (literal >= 0) {
            if (in.readableBytes() < literal) {
                overLimit(in, out, literal);
                return;
            }
            byte[] bytes = new byte[literal];
            in.readBytes(bytes);
            consumed += literal;
            literal = -1;
            out.add(bytes);
            return;
        }
        int lf = in.forEachByte(in.readerIndex(), Math.min(in.readableBytes(), MAX_LINE + 2), ByteProcessor.FIND_LF);
        if (lf < 0) {
            if (in.readableBytes() > MAX_LINE + 1) {
                overflow(in, out, true);
            } else {
                overLimit(in, out, in.readableBytes());
            }
            return;
        }
        int length = lf - in.readerIndex() + 1;
        consumed += length;
        if (consumed > MAX_BEFORE_LOGIN) {
            overflow(in, out, false);
            return;
        }
        int text = length - 1;
        if (text > 0 && in.getByte(lf - 1) == '\r') {
            text--;
        }
        out.add(in.toString(in.readerIndex(), text, StandardCharsets.UTF_8));
        in.skipBytes(length);
    }

    /** Waiting for more: but not if what is already here, with what came before, is over the total. */
    private void overLimit(ByteBuf in, List<Object> out, int waitingFor) {
        if (consumed + waitingFor > MAX_BEFORE_LOGIN || consumed + in.readableBytes() > MAX_BEFORE_LOGIN) {
            overflow(in, out, false);
        }
    }

    private void overflow(ByteBuf in, List<Object> out, boolean line) {
        overflowed = true;
        in.skipBytes(in.readableBytes());
        out.add(new Overflow(line));
    }
}
