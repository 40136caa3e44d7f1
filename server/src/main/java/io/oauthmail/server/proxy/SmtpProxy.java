package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A local SMTP server for programs that cannot speak OAuth: they log in with {@code AUTH PLAIN} or
 * {@code AUTH LOGIN}, the account's name and its local password; the proxy then logs in to the account's real
 * server with a fresh token (XOAUTH2 or OAUTHBEARER) and relays the bytes both ways. Nothing goes upstream
 * before the local login succeeded: the proxy is never an open relay. On a STARTTLS listener no login is taken
 * before TLS. Failed logins are slowed down and limited; lines are limited in length, connections in number.
 */
public final class SmtpProxy extends ProtocolProxy {

    private static final int MAX_FAILED_LOGINS = 3;

    /**
     * Silence both ways after the login before the session is ended with a 421: ten minutes, the longest
     * timeout RFC 5321 (4.5.3.2) asks a client to wait for a server, so no well-behaved client is cut off.
     */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(10);

    private static final Replies REPLIES = new Replies("smtp",
            "421 4.7.0 too many connections, try again later", "500 5.5.2 line too long", "421 4.4.2 idle too long, closing");

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
    void session(ClientConnection client) throws IOException {
        Lines.write(client.out(), "220 localhost oauthmail SMTP proxy ready");
        boolean greeted = false; // RFC 3207: after STARTTLS the client says EHLO again, and the server forgets the first
        int failed = 0;
        String line;
        while ((line = Lines.read(client.in())) != null) {
            OutputStream out = client.out();
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO" -> {
                    greeted = true;
                    Lines.write(out, "250-localhost oauthmail SMTP proxy");
                    Lines.write(out, client.needsStartTls() ? "250 STARTTLS" : "250 AUTH PLAIN LOGIN");
                }
                case "HELO" -> {
                    greeted = true;
                    Lines.write(out, "250 localhost");
                }
                case "STAR" -> {
                    if (!line.trim().equalsIgnoreCase("STARTTLS") || !client.needsStartTls()) {
                        Lines.write(out, "503 5.5.1 STARTTLS is not offered here");
                    } else if (!client.startTls("220 2.0.0 ready to start TLS",
                            "501 5.5.2 nothing may follow STARTTLS before the TLS handshake")) {
                        return;
                    } else {
                        greeted = false;
                    }
                }
                case "NOOP" -> Lines.write(out, "250 2.0.0 OK");
                case "RSET" -> Lines.write(out, "250 2.0.0 OK");
                case "QUIT" -> {
                    Lines.write(out, "221 2.0.0 bye");
                    return;
                }
                case "AUTH" -> {
                    if (client.needsStartTls()) {
                        Lines.write(out, "530 5.7.0 Must issue a STARTTLS command first");
                        continue;
                    }
                    if (!greeted) {
                        Lines.write(out, "503 5.5.1 send EHLO first");
                        continue;
                    }
                    String[] credentials = LocalLogin.read(line, client.in(), out);
                    Account account = credentials == null ? null : localLogin(credentials[0], credentials[1], client);
                    if (account != null) {
                        relay(client.socket(), account);
                        return;
                    }
                    failed++; // the pause is the throttle's, before the address's next check (LoginCheck)
                    Lines.write(out, "535 5.7.8 authentication failed");
                    if (failed >= MAX_FAILED_LOGINS) {
                        Lines.write(out, "421 4.7.0 too many failed logins");
                        return;
                    }
                }
                case "MAIL", "RCPT", "DATA", "BDAT" -> Lines.write(out, client.needsStartTls()
                        ? "530 5.7.0 Must issue a STARTTLS command first" : "530 5.7.0 log in first (AUTH PLAIN or AUTH LOGIN)");
                default -> Lines.write(out, "502 5.5.2 command not recognised before login");
            }
        }
    }

    /** Logs in upstream with a fresh token (one forced refresh if refused), tells the client, relays the bytes. */
    private void relay(Socket client, Account account) throws IOException {
        MailServer server = options.upstream().orElse(account.provider().smtp());
        Socket connection;
        try {
            connection = upstream.login(account, (token, tls) -> UpstreamSmtp.login(account, server, token, tls, 30_000));
        } catch (IOException | RuntimeException e) {
            Lines.write(client.getOutputStream(), UpstreamFailure.of(account, String.valueOf(server), e).smtp());
            return;
        }
        client.setSoTimeout(0);
        Lines.write(client.getOutputStream(), "235 2.7.0 authenticated");
        try (connection) {
            Relay.both(client, connection, listener.threads(), new Relay.Rules(new SmtpCapabilities(), StreamFilter.NONE, idleAfterLogin()));
        }
    }

    static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
