package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What the SMTP, IMAP and POP3 proxies share: the listener, the accounts that may log in with their local
 * passwords, the upstream side, and the idle limits before and after the login. Each protocol adds only its
 * own dialogue ({@link #session}) and the replies below.
 */
abstract class ProtocolProxy implements Proxy {

    /** The protocol's name (imap, smtp, pop3: threads and log lines) and its own words for the listener's refusals. */
    record Replies(String protocol, String tooManyConnections, String lineTooLong, String idleTooLong) {
        String threadName() {
            return "oauthmail-" + protocol + "-proxy";
        }
    }

    final ListenerOptions options;
    final Upstream upstream;
    final ProxyListener listener;
    private final LoginCheck logins;
    private volatile Duration idleAfterLogin;
    private volatile Duration idleBeforeLogin = ProxyListener.IDLE_BEFORE_LOGIN;

    ProtocolProxy(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords, TokenManager tokens,
            Duration idleAfterLogin, Replies replies) throws IOException {
        this.options = options;
        this.logins = new LoginCheck(accounts, passwords, replies.protocol());
        this.upstream = new Upstream(tokens);
        this.idleAfterLogin = idleAfterLogin;
        // Last: sessions may start as soon as the listener does.
        this.listener = ProxyListener.start(options, replies.threadName(), replies.tooManyConnections(),
                ProxyListener.Session.withFarewells(replies.lineTooLong(), replies.idleTooLong(), client -> {
                    client.socket().setSoTimeout((int) idleBeforeLogin.toMillis());
                    session(client);
                }));
    }

    /** One client's dialogue, from the greeting to the relay (or the end). */
    abstract void session(ClientConnection client) throws IOException;

    /**
     * The account {@code name} logs in to with {@code password}, or null: an unknown name or a wrong password, which
     * {@code client}'s address pays for in delays before its next checks ({@link LoginCheck}).
     */
    final Account localLogin(String name, String password, ClientConnection client) {
        return logins.login(name, password, client.socket().getInetAddress());
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

    @Override
    public void stopAccepting() {
        listener.stopAccepting();
    }

    @Override
    public void close() {
        listener.close();
    }
}
