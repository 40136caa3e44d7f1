package io.oauthmail.server.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The proxy's connection to the real server during the upstream login: a non-blocking channel on the client's
 * event loop, read line by line from a worker thread with a timeout ({@link #readLine}), TLS verified with the
 * host name, STARTTLS in place. After the login the channel is handed to the relay with every byte that came
 * after the last line read ({@link #handOver}): nothing the server sent is lost in between.
 *
 * <p>Why a blocking dialogue over a non-blocking channel: the login is a short, strictly ordered exchange that
 * reads best as straight-line code (and was tested so over sockets), while the session after it may idle for
 * hours and must then cost no thread. A worker is held only for the login's round trips.
 */
final class UpstreamLink implements AutoCloseable {

    private static final int MAX_LINE = 64 * 1024; // long CAPABILITY lists and SASL challenges, never a message
    private static final Object CLOSED = new Object();

    private final Channel channel;
    private final MailServer server;
    private final SslContext tls;
    private final long timeoutMillis;
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private volatile Instant tokenRefreshDue;

    private UpstreamLink(Channel channel, MailServer server, SslContext tls, long timeoutMillis) {
        this.channel = channel;
        this.server = server;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
    }

    /** Connected to {@code server} on {@code loop}, already in TLS when the server uses implicit TLS. */
    static UpstreamLink open(EventLoop loop, MailServer server, SslContext tls, int timeoutMillis) throws IOException {
        UpstreamLink[] link = new UpstreamLink[1];
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(Transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.AUTO_READ, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        link[0] = new UpstreamLink(channel, server, tls, timeoutMillis);
                        channel.pipeline().addLast("lines", new LineBasedFrameDecoder(MAX_LINE, false, true));
                        channel.pipeline().addLast("login", link[0].new Queue());
                    }
                });
        ChannelFuture connect = bootstrap.connect(server.host(), server.port());
        if (!connect.awaitUninterruptibly(timeoutMillis + 1_000L)) {
            connect.channel().close();
            throw new SocketTimeoutException("connect timed out: " + server);
        }
        if (!connect.isSuccess()) {
            throw asIOException(connect.cause(), "cannot connect to " + server);
        }
        if (server.tls() == TlsMode.IMPLICIT) {
            link[0].startTls();
        }
        return link[0];
    }

    /** The next line without CRLF; null when the server closed the connection. */
    String readLine() throws IOException {
        Object next;
        try {
            next = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during the login to " + server);
        }
        if (next == null) {
            throw new SocketTimeoutException("no answer from " + server + " within " + timeoutMillis / 1000 + " s");
        }
        if (next == CLOSED) {
            lines.add(CLOSED); // every later read sees the end too
            return null;
        }
        if (next instanceof Throwable failure) {
            lines.add(CLOSED);
            throw asIOException(failure, "the connection to " + server + " failed");
        }
        ByteBuf line = (ByteBuf) next;
        try {
            int end = line.writerIndex();
            while (end > line.readerIndex() && (line.getByte(end - 1) == '\n' || line.getByte(end - 1) == '\r')) {
                end--;
            }
            return line.toString(line.readerIndex(), end - line.readerIndex(), StandardCharsets.UTF_8);
        } finally {
            line.release();
        }
    }

    void writeLine(String line) throws IOException {
        ChannelFuture written = channel.writeAndFlush(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
        if (!written.awaitUninterruptibly(timeoutMillis) || !written.isSuccess()) {
            throw asIOException(written.cause(), "cannot write to " + server);
        }
    }

    /** Starts TLS (implicit, or after STARTTLS/STLS was accepted), checking that the certificate names the host. */
    void startTls() throws IOException {
        SslHandler handler = tls.newHandler(channel.alloc(), server.host(), server.port());
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the context says so too: never without it
        engine.setSSLParameters(parameters);
        handler.setHandshakeTimeoutMillis(timeoutMillis);
        channel.pipeline().addFirst("tls", handler);
        if (!handler.handshakeFuture().awaitUninterruptibly(timeoutMillis + 1_000L)) {
            throw new SocketTimeoutException("TLS handshake with " + server + " timed out");
        }
        if (!handler.handshakeFuture().isSuccess()) {
            throw asIOException(handler.handshakeFuture().cause(), "TLS with " + server + " failed");
        }
    }

    /** When the token this connection logged in with is due for refresh; null when it never expires. */
    Instant tokenRefreshDue() {
        return tokenRefreshDue;
    }

    void tokenRefreshDue(Instant when) {
        tokenRefreshDue = when;
    }

    Channel channel() {
        return channel;
    }

    MailServer server() {
        return server;
    }

    /**
     * Ends the line-by-line reading, on the event loop: {@code relay} takes the channel's place after the login
     * handler, and receives first the lines read but not yet consumed, then the decoder's leftover bytes.
     */
    void handOver(ChannelInboundHandlerAdapter relay) {
        channel.eventLoop().execute(() -> {
            channel.pipeline().addLast("relay", relay);
            ChannelHandlerContext login = channel.pipeline().context("login");
            Object next;
            while ((next = lines.poll()) != null) {
                if (next instanceof ByteBuf line) {
                    login.fireChannelRead(line); // the handler after the login one: the relay
                }
            }
            channel.pipeline().remove("login");
            channel.pipeline().remove("lines"); // hands its cumulated bytes on to the relay
        });
    }

    /** Closes the connection, giving back the buffers of lines never read (a login that failed halfway). */
    @Override
    public void close() {
        channel.close();
        Runnable release = () -> {
            Object next;
            while ((next = lines.poll()) != null) {
                if (next instanceof ByteBuf line) {
                    line.release();
                }
            }
        };
        if (channel.eventLoop().isShuttingDown()) {
            release.run();
        } else {
            channel.eventLoop().execute(release); // after any line still on its way into the queue
        }
    }

    private static IOException asIOException(Throwable failure, String what) {
        if (failure instanceof IOException io) {
            return io;
        }
        if (failure instanceof TooLongFrameException) {
            return new IOException(what + ": a line longer than " + MAX_LINE + " bytes");
        }
        String reason = failure == null ? "timed out" : failure.getMessage() != null ? failure.getMessage()
                : failure.getClass().getSimpleName();
        return new IOException(what + ": " + reason, failure);
    }

    /** Queues each line (and the end, or a failure) for {@link #readLine}. */
    private final class Queue extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lines.add(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lines.add(CLOSED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lines.add(cause);
            ctx.close();
        }
    }
}
