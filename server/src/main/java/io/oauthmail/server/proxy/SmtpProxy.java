package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import java.util.Map;

/**
 * A local SMTP server for programs that cannot speak OAuth: they log in with {@code AUTH PLAIN} or
 * {@code AUTH LOGIN}, the account's name and its local password; the proxy then logs in to the account's real
 * server with a fresh token (XOAUTH2 or OAUTHBEARER) and relays the bytes both ways. Nothing goes upstream
 * before the local login succeeded: the proxy is never an open relay. Failed logins are slowed down and
 * limited; lines are limited in length, connections in number.
 */
public final class SmtpProxy implements AutoCloseable {

    private static final int MAX_FAILED_LOGINS = 3;
    private static final int PRE_AUTH_TIMEOUT_MILLIS = 5 * 60_000;

    /**
     * Silence both ways after the login before the session is ended with a 421: ten minutes, the longest
     * timeout RFC 5321 (4.5.3.2) asks a client to wait for a server, so no well-behaved client is cut off.
     */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(10);

    private final ProxyListener listener;
    private final Map<String, Account> accounts;
    private final LocalPasswords passwords;
    private final Upstream upstream;
    private volatile Duration idleAfterLogin = IDLE_AFTER_LOGIN;

    private SmtpProxy(InetSocketAddress address, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens, int maxConnections) throws IOException {
        this.accounts = Map.copyOf(accounts);
        this.passwords = passwords;
        this.upstream = new Upstream(tokens);
        this.listener = ProxyListener.start(address, maxConnections, "oauthmail-smtp-proxy",
                "421 4.7.0 too many connections, try again later",
                ProxyListener.Session.refusingOverLongLines("500 5.5.2 line too long", this::session));
    }

    /** Listens on {@code address} (use 127.0.0.1: a wider address needs local TLS, which comes next). */
    public static SmtpProxy start(InetSocketAddress address, Map<String, Account> accounts, LocalPasswords passwords,
            TokenManager tokens, int maxConnections) throws IOException {
        return new SmtpProxy(address, accounts, passwords, tokens, maxConnections);
    }

    public int port() {
        return listener.port();
    }

    /** Successful upstream logins so far: tests use it to prove a bad local login never reached upstream. */
    public int upstreamLogins() {
        return upstream.logins();
    }

    private void session(Socket client) throws IOException {
        client.setSoTimeout(PRE_AUTH_TIMEOUT_MILLIS);
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        Lines.write(out, "220 localhost oauthmail SMTP proxy ready");
        int failed = 0;
        String line;
        while ((line = Lines.read(in)) != null) {
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line.toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> {
                    Lines.write(out, "250-localhost oauthmail SMTP proxy");
                    Lines.write(out, "250 AUTH PLAIN LOGIN");
                }
                case "HELO" -> Lines.write(out, "250 localhost");
                case "NOOP" -> Lines.write(out, "250 2.0.0 OK");
                case "RSET" -> Lines.write(out, "250 2.0.0 OK");
                case "QUIT" -> {
                    Lines.write(out, "221 2.0.0 bye");
                    return;
                }
                case "AUTH" -> {
                    String[] credentials = LocalLogin.read(line, in, out);
                    Account account = credentials == null ? null : accounts.get(credentials[0]);
                    if (account != null && passwords.verify(account.name(), credentials[1].toCharArray())) {
                        relay(client, account);
                        return;
                    }
                    failed++;
                    Upstream.pause(1000L * failed); // slow down guessing; every failure costs the guesser more
                    Lines.write(out, "535 5.7.8 authentication failed");
                    if (failed >= MAX_FAILED_LOGINS) {
                        Lines.write(out, "421 4.7.0 too many failed logins");
                        return;
                    }
                }
                case "MAIL", "RCPT", "DATA", "BDAT" -> Lines.write(out, "530 5.7.0 log in first (AUTH PLAIN or AUTH LOGIN)");
                default -> Lines.write(out, "502 5.5.2 command not recognised before login");
            }
        }
    }

    /** Logs in upstream with a fresh token (one forced refresh if refused), tells the client, relays the bytes. */
    private void relay(Socket client, Account account) throws IOException {
        MailServer server = account.provider().smtp();
        Socket connection;
        try {
            connection = upstream.login(account, (token, tls) -> UpstreamSmtp.login(account, server, token, tls, 30_000));
        } catch (TokenRefused e) {
            Lines.write(client.getOutputStream(), "454 4.7.0 the server refused " + account.name() + "'s token: " + Upstream.reason(e));
            return;
        } catch (IOException | RuntimeException e) {
            Lines.write(client.getOutputStream(), "454 4.4.0 cannot reach " + server + " for now: " + Upstream.reason(e));
            return;
        }
        client.setSoTimeout(0);
        Lines.write(client.getOutputStream(), "235 2.7.0 authenticated");
        try (connection) {
            Relay.both(client, connection, listener.threads(), new Relay.Rules(new SmtpCapabilities(), StreamFilter.NONE, idleAfterLogin));
        }
    }

    static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** For tests: a shorter idle limit than {@link #IDLE_AFTER_LOGIN}, for sessions that log in from now on. */
    void idleAfterLogin(Duration limit) {
        this.idleAfterLogin = limit;
    }

    @Override
    public void close() {
        listener.close();
    }
}
