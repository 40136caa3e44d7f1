package io.oauthmail.server.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local client's dialogue before its login, on the connection's event loop: the protocol subclass answers
 * each line ({@link #line}); this class holds what they share: replies, STARTTLS in place, the bounds before the
 * login (idle time, total time, bytes), and the login itself, whose slow parts (the password's hash, a token
 * refresh, the upstream round trips) run on the proxy's login workers while the client's reading is paused.
 * After a successful login the session hands the connection to the {@link Relay} and leaves the pipeline.
 */
abstract class ProxySession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxySession.class);

    final ProtocolProxy proxy;
    ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private boolean loggingIn;
    private int failed;

    ProxySession(ProtocolProxy proxy) {
        this.proxy = proxy;
    }

    /** The greeting a client gets once connected (after the handshake on an implicit-TLS listener). */
    abstract void greet();

    /** One line from the client, without CRLF. */
    abstract void line(String line);

    /** A literal the subclass asked for with {@link #expectLiteral}. */
    void literal(byte[] bytes) {
        close();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ProxyEvents events = proxy.options.events();
        events.sessionOpened(proxy.protocol());
        ctx.channel().closeFuture().addListener(closed -> events.sessionClosed(proxy.protocol()));
        deadline = ctx.executor().schedule(() -> farewell(proxy.replies().idleTooLong()),
                ProxyListener.TIME_TO_LOG_IN.toMillis(), TimeUnit.MILLISECONDS);
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            greet();
        } else {
            tls.handshakeFuture().addListener(done -> {
                if (done.isSuccess()) {
                    greet();
                } else {
                    ctx.close(); // nothing can be said to a client whose TLS never came up
                }
            });
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof String line) {
            line(line);
        } else if (msg instanceof byte[] bytes) {
            literal(bytes);
        } else if (msg instanceof ClientInput.Overflow overflow) {
            farewell(overflow.line() ? proxy.replies().lineTooLong() : proxy.replies().tooMuchBeforeLogin());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && !loggingIn) {
            farewell(proxy.replies().idleTooLong());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("proxy session ended: {}", cause.toString());
        ctx.close();
    }

    /** Writes one protocol line. */
    final void reply(String line) {
        ctx.writeAndFlush(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
    }

    /** Writes {@code line} and closes the connection once it is out. */
    final void farewell(String line) {
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    final void close() {
        ctx.close();
    }

    final void expectLiteral(int n) {
        ctx.pipeline().get(ClientInput.class).expectLiteral(n);
    }

    /** True until TLS is up on a STARTTLS listener: offer STARTTLS, refuse logins. */
    final boolean needsStartTls() {
        return proxy.options.tls().mode() == LocalTls.Mode.STARTTLS && ctx.pipeline().get(SslHandler.class) == null;
    }

    /**
     * Answers a STARTTLS command with {@code goAhead} and starts the handshake; false (after {@code refusal}) when
     * the client sent anything after the command. Bytes pipelined behind STARTTLS arrive in the clear, yet a
     * server that reads them after the handshake treats them as sent over TLS: the injection of CVE-2011-0411.
     */
    final boolean startTls(String goAhead, String refusal) {
        if (ctx.pipeline().get(ClientInput.class).pending() > 0) {
            farewell(refusal);
            return false;
        }
        SslHandler tls = proxy.options.tls().serverHandler(ctx.alloc(), true);
        ctx.pipeline().addFirst("tls", tls);
        reply(goAhead); // in the clear: the handler lets its first write through before the handshake
        return true;
    }

    /**
     * Checks {@code name}'s local {@code password} and, when it is right, logs in upstream and relays. The
     * client's reading pauses meanwhile, so a pipelined command waits for the outcome.
     */
    final void login(String name, String password) {
        loggingIn = true;
        ctx.channel().config().setAutoRead(false);
        ProxyLogins.UpstreamLogin login = (account, loop, token, tls) ->
                upstreamLogin(loop, account, upstreamServer(account), token, tls);
        InetAddress from = clientAddress();
        proxy.logins().submit(name, password, from, login, ctx.channel(), new ProxyLogins.Outcome() {
            @Override
            public void refused() {
                // LoginCheck logged it and slowed the address down; the next check from there waits its turn.
                failed++;
                proxy.options.events().loginRefused(proxy.protocol());
                loggingIn = false;
                ctx.channel().config().setAutoRead(true);
                loginFailed(failed);
            }

            @Override
            public void upstreamFailed(Account account, Exception failure) {
                proxy.options.events().upstreamFailed(proxy.protocol(), failure);
                loggingIn = false;
                ctx.channel().config().setAutoRead(true);
                upstreamRefused(account, failure);
            }

            @Override
            public void loggedIn(Account account, UpstreamLink link) {
                proxy.options.events().loggedIn(proxy.protocol());
                LOG.atInfo().addKeyValue("event", "proxy_login").addKeyValue("account", account.name())
                        .addKeyValue("protocol", proxy.protocol()).addKeyValue("client", from.getHostAddress())
                        .addKeyValue("outcome", "ok")
                        .log("proxy login: {} logged in from {} ({})", account.name(), from.getHostAddress(), proxy.protocol());
                relay(account, link);
            }
        });
    }

    /** The client's IP address, as logs and the login throttle name it. */
    final InetAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress()
                : InetAddress.getLoopbackAddress();
    }

    /**
     * The local login failed, the {@code failed}th time on this connection (already paid for in its address's
     * turn): the protocol's refusal, and a close after too many.
     */
    abstract void loginFailed(int failed);

    /** The local login was right but the upstream login failed: tell the client why, in its protocol. */
    abstract void upstreamRefused(Account account, Exception failure);

    /** The upstream login succeeded: tell the client and start relaying (see {@link #startRelay}). */
    abstract void relay(Account account, UpstreamLink link);

    /**
     * From now on bytes flow both ways through the filters; this session, the bounds before the login and the
     * line decoder leave the pipeline (bytes the client pipelined behind its login go upstream).
     */
    final Relay.Pair startRelay(UpstreamLink link, StreamFilter toClient, StreamFilter toServer) {
        deadline.cancel(false);
        var pipeline = ctx.pipeline();
        pipeline.replace("idle", "idle", new IdleStateHandler(0, 0, proxy.idleAfterLogin().toMillis(), TimeUnit.MILLISECONDS));
        Relay.Pair pair = Relay.connect(ctx.channel(), link, toClient, toServer, "session",
                Relay.Tally.of(proxy.options.events(), proxy.protocol()));
        pipeline.remove(this);
        pipeline.remove(ClientInput.class); // hands its leftover bytes to the relay
        ctx.channel().config().setAutoRead(true);
        return pair;
    }

    /** The account's own server for this protocol, or null. */
    abstract MailServer server(Account account);

    /** The server this listener sends {@code account}'s session to: its own, unless the listener names one for all. */
    final MailServer upstreamServer(Account account) throws IOException {
        MailServer server = proxy.options.upstream().orElse(server(account));
        if (server == null) {
            throw new IOException("no " + proxy.protocol().toUpperCase(Locale.ROOT) + " server is configured for "
                    + account.name());
        }
        return server;
    }

    /** The protocol's upstream login with {@code token}, on a login worker; see {@link UpstreamImap} and the others. */
    abstract UpstreamLink upstreamLogin(EventLoop loop, Account account, MailServer server, String token, SslContext tls)
            throws IOException;
}
