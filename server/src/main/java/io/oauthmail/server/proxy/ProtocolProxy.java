package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What the SMTP, IMAP and POP3 proxies share: the listener, the accounts that may log in with their local
 * passwords, the login workers and the upstream side, and the idle limits before and after the login. Each
 * protocol adds only its own dialogue ({@link #newSession}) and the replies below.
 */
abstract class ProtocolProxy implements Proxy {

    /** The protocol's own words for the listener's refusals and the bounds before the login. */
    record Replies(String protocol, String tooManyConnections, String lineTooLong, String tooMuchBeforeLogin,
            String idleTooLong) {
    }

    final ListenerOptions options;
    final Upstream upstream;
    private final ProxyLogins logins;
    private final Replies replies;
    final ProxyListener listener;
    private volatile Duration idleAfterLogin;
    private volatile Duration idleBeforeLogin = ProxyListener.IDLE_BEFORE_LOGIN;

    ProtocolProxy(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords, TokenManager tokens,
            Duration idleAfterLogin, Replies replies) throws IOException {
        this.options = options;
        this.upstream = new Upstream(tokens);
        this.logins = new ProxyLogins(accounts, passwords, upstream, replies.protocol());
        this.replies = replies;
        this.idleAfterLogin = idleAfterLogin;
        // Last: sessions may start as soon as the listener does.
        this.listener = ProxyListener.start(options, "oauthmail-" + replies.protocol() + "-proxy",
                replies.tooManyConnections(), this::newSession, () -> idleBeforeLogin);
    }

    /** A new client's dialogue, from the greeting to the relay (or the end). */
    abstract ProxySession newSession();

    Replies replies() {
        return replies;
    }

    /** {@code imap}, {@code smtp} or {@code pop3}, as logs name the protocol. */
    String protocol() {
        return replies.protocol();
    }

    ProxyLogins logins() {
        return logins;
    }

    /** The silence allowed after the login, both ways, before the relay ends the session. */
    final Duration idleAfterLogin() {
        return idleAfterLogin;
    }

    @Override
    public int port() {
        return listener.port();
    }

    /** Successful upstream logins so far: tests use it to prove a bad local login never reached upstream. */
    public int upstreamLogins() {
        return upstream.logins();
    }

    /** For tests: a shorter idle limit after the login, for sessions that log in from now on. */
    void idleAfterLogin(Duration limit) {
        this.idleAfterLogin = limit;
    }

    /** For tests: a shorter limit than {@link ProxyListener#IDLE_BEFORE_LOGIN} for a client that has not logged in. */
    void idleBeforeLogin(Duration limit) {
        this.idleBeforeLogin = limit;
    }

    /** Takes no new clients; once the open sessions have ended, its threads are given back (a reload). */
    @Override
    public void stopAccepting() {
        listener.drainThen(this::close);
    }

    /** For tests: true once closed and its threads have ended. */
    boolean terminated() {
        return listener.terminated();
    }

    @Override
    public void close() {
        listener.close();
        logins.close();
    }
}
