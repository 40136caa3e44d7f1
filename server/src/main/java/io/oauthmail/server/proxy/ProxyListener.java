package io.oauthmail.server.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What every proxy protocol shares: a listener (loopback only unless it has local TLS), TLS from the first byte
 * for implicit-TLS listeners, a cap on connections (the next one is told so and closed), the limits before the
 * login (time, line length, bytes: {@link ClientInput}), and the event loops all sessions run on.
 *
 * <p>Why Netty and not a thread per session: a logged-in mail client mostly idles (IDLE, a kept-open SMTP
 * session), and two platform threads per session (0.7 MiB each with their buffers) put 5,000 sessions far
 * past half a gigabyte; on event loops an idle session costs its sockets and a few objects. Why not plain NIO:
 * both sides speak TLS, and TLS over non-blocking sockets (SSLEngine's handshake, renegotiation, close_notify,
 * partial records) is exactly the code a well-kept library should own.
 */
final class ProxyListener implements AutoCloseable {

    /** Silence allowed before a login: five minutes, as RFC 5321 gives a server waiting for a command. */
    static final Duration IDLE_BEFORE_LOGIN = Duration.ofMinutes(5);
    /** All the time a client gets to log in, however it trickles its bytes: two idle periods. */
    static final Duration TIME_TO_LOG_IN = Duration.ofMinutes(10);
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    private final EventLoopGroup acceptor;
    private final EventLoopGroup loops;
    private final Channel server;
    private final ChannelGroup clients;
    private final AtomicInteger open;
    /** Set once the listener stops accepting: what to do when its last session has ended. */
    private final AtomicReference<Runnable> whenDrained;

    private ProxyListener(EventLoopGroup acceptor, EventLoopGroup loops, Channel server, ChannelGroup clients,
            AtomicInteger open, AtomicReference<Runnable> whenDrained) {
        this.acceptor = acceptor;
        this.loops = loops;
        this.server = server;
        this.clients = clients;
        this.open = open;
        this.whenDrained = whenDrained;
    }

    /**
     * Listens as {@code options} say; each client gets a session from {@code sessions}, or {@code busyLine} and
     * a close when {@code maxConnections} are open already.
     */
    static ProxyListener start(ListenerOptions options, String threadName, String busyLine, Supplier<ProxySession> sessions,
            Supplier<Duration> idleBeforeLogin) throws IOException {
        InetSocketAddress address = options.address();
        if (!address.getAddress().isLoopbackAddress() && options.tls().mode() == LocalTls.Mode.NONE) {
            throw new OAuthMailException(options.name() + ": listening on " + address.getAddress().getHostAddress()
                    + " without TLS would send passwords and mail across the network in the clear",
                    "give it local TLS (tls = \"starttls\" or \"implicit\" in the config, --tls starttls with --listen),"
                            + " or listen on 127.0.0.1");
        }
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName + "-accept", true),
                Transport.handlers());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory(threadName, true), Transport.handlers());
        ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        AtomicInteger open = new AtomicInteger();
        AtomicReference<Runnable> whenDrained = new AtomicReference<>();
        boolean implicit = options.tls().mode() == LocalTls.Mode.IMPLICIT;
        ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, loops).channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_REUSEADDR, true) // a reload binds the port again while these sessions go on
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (open.incrementAndGet() > options.maxConnections()) {
                            open.decrementAndGet();
                            if (implicit) { // a TLS client would read a plain line as a broken record: just close
                                channel.close();
                            } else {
                                channel.writeAndFlush(Unpooled.copiedBuffer(busyLine + "\r\n", StandardCharsets.US_ASCII))
                                        .addListener(ChannelFutureListener.CLOSE);
                            }
                            return;
                        }
                        channel.closeFuture().addListener(closed -> {
                            if (open.decrementAndGet() == 0) {
                                Runnable drained = whenDrained.getAndSet(null);
                                if (drained != null) { // on a thread of its own: closing waits for the loops to end
                                    Thread closing = new Thread(drained, threadName + "-drained");
                                    closing.setDaemon(true);
                                    closing.start();
                                }
                            }
                        });
                        clients.add(channel);
                        if (implicit) {
                            SslHandler tls = options.tls().serverHandler(channel.alloc(), false);
                            tls.setHandshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS);
                            channel.pipeline().addLast("tls", tls);
                        }
                        channel.pipeline().addLast("idle", new IdleStateHandler(idleBeforeLogin.get().toMillis(), 0, 0,
                                TimeUnit.MILLISECONDS));
                        channel.pipeline().addLast("input", new ClientInput());
                        channel.pipeline().addLast("session", sessions.get());
                    }
                });
        try {
            Channel server = bootstrap.bind(address).syncUninterruptibly().channel();
            return new ProxyListener(acceptor, loops, server, clients, open, whenDrained);
        } catch (RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Takes no new clients; the sessions already open go on until they end (a reload keeps them). Returns once
     * the port is free, since a reload binds the same port right after.
     */
    void stopAccepting() {
        if (server.isOpen()) {
            server.close().syncUninterruptibly();
        }
        acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops accepting, and runs {@code then} once the last open session has ended (at once if none is open): a
     * reload's old listeners let their sessions finish, then give their threads back.
     */
    void drainThen(Runnable then) {
        stopAccepting();
        whenDrained.set(then);
        if (open.get() == 0 && whenDrained.compareAndSet(then, null)) {
            then.run();
        }
    }

    /** True once the listener has closed and its event loops have ended. */
    boolean terminated() {
        return loops.isTerminated();
    }

    /** Takes no new clients and ends every open session: they see the connection close (a stop). */
    @Override
    public void close() {
        stopAccepting();
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
