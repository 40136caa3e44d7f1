package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A local POP3 server for programs that cannot speak OAuth: {@code USER}/{@code PASS} or {@code AUTH PLAIN}
 * with the account's name and local password, then AUTH XOAUTH2 upstream and a byte relay. Nothing goes
 * upstream before the local login succeeded; failed logins are slowed and limited.
 */
final class Pop3Proxy extends ProtocolProxy {

    /** Silence both ways after the login before the session is ended: RFC 1939's autologout timer, at least ten minutes. */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(10);

    private static final Replies REPLIES = new Replies("pop3", "-ERR [SYS/TEMP] too many connections, try again later", "-ERR line too long",
            "-ERR too much sent before login", "-ERR idle too long");

    private Pop3Proxy(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords, TokenManager tokens)
            throws IOException {
        super(options, accounts, passwords, tokens, IDLE_AFTER_LOGIN, REPLIES);
    }

    /** A plain listener on a loopback {@code address}, reading from each account's own server. */
    public static Pop3Proxy start(InetSocketAddress address, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens, int maxConnections) throws IOException {
        return start(ListenerOptions.plain(address, maxConnections), accounts, passwords, tokens);
    }

    /** Listens as {@code options} say, for the logins of {@code accounts} (by account name). */
    public static Pop3Proxy start(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens) throws IOException {
        return new Pop3Proxy(options, accounts, passwords, tokens);
    }

    @Override
    ProxySession newSession() {
        return new Pop3Session(this);
    }
}
