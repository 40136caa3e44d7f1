package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A local IMAP server for programs that cannot speak OAuth: they log in with {@code LOGIN} or
 * {@code AUTHENTICATE PLAIN}, the account's name and its local password; the proxy then logs in to the real
 * server with a fresh token and relays the bytes both ways, IDLE and long sessions included. Nothing goes
 * upstream before the local login succeeded; failed logins are slowed and limited.
 */
public final class ImapProxy extends ProtocolProxy {

    /**
     * Silence both ways after the login before the session is ended with a BYE: more than the 30 minutes RFC 9051
     * (5.4) requires, because IDLE clients re-issue IDLE every 29 minutes and a slow one must not be cut off.
     */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(31);

    private static final Replies REPLIES = new Replies("imap", "* BYE [UNAVAILABLE] too many connections, try again later",
            "* BYE line too long", "* BYE too much sent before login", "* BYE idle too long");

    private ImapProxy(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords, TokenManager tokens)
            throws IOException {
        super(options, accounts, passwords, tokens, IDLE_AFTER_LOGIN, REPLIES);
    }

    /** A plain listener on a loopback {@code address}, reading from each account's own server. */
    public static ImapProxy start(InetSocketAddress address, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens, int maxConnections) throws IOException {
        return start(ListenerOptions.plain(address, maxConnections), accounts, passwords, tokens);
    }

    /** Listens as {@code options} say, for the logins of {@code accounts} (by account name). */
    public static ImapProxy start(ListenerOptions options, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens) throws IOException {
        return new ImapProxy(options, accounts, passwords, tokens);
    }

    @Override
    ProxySession newSession() {
        return new ImapSession(this);
    }
}
