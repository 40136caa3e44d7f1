package io.oauthmail.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;

/**
 * Moves bytes both ways between a logged-in client and its upstream connection, through a {@link StreamFilter}
 * each way. Where a direction has no filter, the buffers read go out as they are, with no copy and no per-line
 * work; a filtered direction hands each chunk to its filter (which passes message bodies on untouched).
 *
 * <p>Back-pressure: when one side cannot take more (its outbound buffer is over the high-water mark), the other
 * side's reading pauses until it drains, so a slow client never makes the proxy hold a whole mailbox. Writes
 * are flushed once per read batch, so a large FETCH goes out in large writes.
 *
 * <p>Either side closing ends both, after the filter's goodbye (a server that drops the connection without BYE
 * or 221 still gives the client one). Silence both ways on the client connection for the idle limit closes the
 * upstream side, and with it the session.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    /**
     * The two connections of one session. The upstream one can be replaced while the client stays connected
     * ({@link ImapSessionKeeper}: a new login when the old one's token expires); while that happens the client's
     * reading pauses and the old upstream's end is not the session's end.
     */
    static final class Pair {
        final Channel client;
        volatile Channel upstream;
        volatile boolean replacing;
        /** Where the bytes relayed are counted; a replaced upstream counts on the same tally. */
        final Tally tally;

        Pair(Channel client, Channel upstream, Tally tally) {
            this.client = client;
            this.upstream = upstream;
            this.tally = tally;
        }
    }

    /** Counts the bytes relayed each way (the daemon's metrics). */
    record Tally(java.util.function.LongConsumer toClient, java.util.function.LongConsumer toServer) {

        static Tally of(ProxyEvents events, String protocol) {
            return new Tally(bytes -> events.relayed(protocol, false, bytes), bytes -> events.relayed(protocol, true, bytes));
        }
    }

    private final Pair pair;
    /** The connection this handler reads from. */
    private final Channel self;
    private final StreamFilter filter;
    private final boolean clientSide;

    private Relay(Pair pair, Channel self, StreamFilter filter, boolean clientSide) {
        this.pair = pair;
        this.self = self;
        this.filter = filter;
        this.clientSide = clientSide;
    }

    /**
     * Relays between {@code client} (a relay handler goes in after {@code after}) and {@code upstream}. On the
     * event loop both channels share.
     */
    static Pair connect(Channel client, UpstreamLink upstream, StreamFilter toClient, StreamFilter toServer, String after,
            Tally tally) {
        Pair pair = new Pair(client, upstream.channel(), tally);
        client.pipeline().addAfter(after, "relay", new Relay(pair, client, toServer, true));
        upstream.handOver(new Relay(pair, upstream.channel(), toClient, false));
        return pair;
    }

    /** Makes {@code upstream} the session's upstream connection in place of the one before (on the event loop). */
    static void replaceUpstream(Pair pair, UpstreamLink upstream, StreamFilter toClient) {
        pair.upstream = upstream.channel();
        upstream.handOver(new Relay(pair, upstream.channel(), toClient, false));
    }

    private Channel peer() {
        return clientSide ? pair.upstream : pair.client;
    }

    /** False for an upstream connection that has been replaced, or is being: its end is not the session's. */
    private boolean current() {
        return clientSide || (pair.upstream == self && !pair.replacing);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            closeAfterGoodbye(ctx); // it closed while the relay was being set up
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (!current()) {
            in.release(); // a replaced upstream's last words: the client has the new one's
            return;
        }
        Channel peer = peer();
        (clientSide ? pair.tally.toServer() : pair.tally.toClient()).accept(in.readableBytes());
        if (filter == StreamFilter.NONE) {
            peer.write(in, peer.voidPromise());
        } else {
            ByteBuf out = ctx.alloc().buffer(in.readableBytes() + 256);
            try {
                filter.write(in, out);
            } catch (IOException e) {
                out.release();
                ctx.close();
                return;
            } finally {
                in.release();
            }
            peer.write(out, peer.voidPromise());
        }
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false); // until the peer has drained (channelWritabilityChanged)
            peer.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer().flush();
    }

    /** This side drained what the peer sent it: the peer may read again (not a client waiting for a new upstream). */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current() && !(clientSide && pair.replacing)) {
            peer().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeAfterGoodbye(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (clientSide && event instanceof IdleStateEvent) {
            peer().close(); // silent both ways too long: the upstream side ends, its filter says goodbye to the client
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a broken TLS record: channelInactive follows and ends both sides
    }

    /** This side ended: the filter's last bytes (and goodbye) go to the peer, then the peer closes. */
    private void closeAfterGoodbye(ChannelHandlerContext ctx) {
        Channel peer = peer();
        if (!current() || !peer.isActive()) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer(256);
        try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
            filter.ended(stream);
        } catch (IOException e) {
            // nothing more to say
        }
        peer.config().setAutoRead(false);
        peer.writeAndFlush(out.isReadable() ? out : releaseAndEmpty(out)).addListener(ChannelFutureListener.CLOSE);
    }

    private static ByteBuf releaseAndEmpty(ByteBuf buffer) {
        buffer.release();
        return Unpooled.EMPTY_BUFFER;
    }
}
