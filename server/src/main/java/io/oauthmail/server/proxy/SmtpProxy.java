package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A local SMTP server for programs that cannot speak OAuth: they log in with {@code AUTH PLAIN} or
 * {@code AUTH LOGIN}, the account's name and its local password; the proxy then logs in to the account's real
 * server with a fresh token (XOAUTH2 or OAUTHBEARER) and relays the bytes both ways. Nothing goes upstream
 * before the local login succeeded: the proxy is never an open relay. On a STARTTLS listener no login is taken
 * before TLS. Failed logins are slowed down and limited; lines are limited in length, connections in number.
 */
public final class SmtpProxy extends ProtocolProxy {

    /**
     * Silence both ways after the login before the session is ended with a 421: ten minutes, the longest
     * timeout RFC 5321 (4.5.3.2) asks a client to wait for a server, so no well-behaved client is cut off.
     */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(10);

    private static final Replies REPLIES = new Replies("smtp", "421 4.7.0 too many connections, try again later", "500 5.5.2 line too long",
            "421 4.7.0 too much sent before login", "421 4.4.2 idle too long, closing");

    private SmtpProxy(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords, TokenManager tokens)
            throws IOException {
        super(options, accounts, passwords, tokens, IDLE_AFTER_LOGIN, REPLIES);
    }

    /** A plain listener on a loopback {@code address}, sending through each account's own server. */
    public static SmtpProxy start(InetSocketAddress address, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens, int maxConnections) throws IOException {
        return start(ListenerOptions.plain(address, maxConnections), accounts, passwords, tokens);
    }

    /** Listens as {@code options} say, for the logins of {@code accounts} (by account name). */
    public static SmtpProxy start(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens) throws IOException {
        return new SmtpProxy(options, accounts, passwords, tokens);
    }

    @Override
    ProxySession newSession() {
        return new SmtpSession(this);
    }
}
