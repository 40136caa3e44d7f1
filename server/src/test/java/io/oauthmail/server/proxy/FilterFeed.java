package io.oauthmail.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;

/** Feeds a {@link StreamFilter} from arrays, as the tests write their chunks; the relay hands it Netty's buffers. */
final class FilterFeed {

    private FilterFeed() {
    }

    /** Passes {@code length} bytes of {@code bytes} through {@code filter} and what it writes on to {@code out}. */
    static void write(StreamFilter filter, byte[] bytes, int offset, int length, OutputStream out) throws IOException {
        ByteBuf written = Unpooled.buffer(length + 256);
        try {
            filter.write(Unpooled.wrappedBuffer(bytes, offset, length), written);
            written.readBytes(out, written.readableBytes());
        } finally {
            written.release();
        }
    }
}
