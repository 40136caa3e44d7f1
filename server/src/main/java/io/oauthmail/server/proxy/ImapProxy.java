package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local IMAP server for programs that cannot speak OAuth: they log in with {@code LOGIN} or
 * {@code AUTHENTICATE PLAIN}, the account's name and its local password; the proxy then logs in to the real
 * server with a fresh token and relays the bytes both ways, IDLE and long sessions included. Nothing goes
 * upstream before the local login succeeded; failed logins are slowed and limited.
 */
public final class ImapProxy extends ProtocolProxy {

    private static final Logger LOG = LoggerFactory.getLogger(ImapProxy.class);
    private static final int MAX_FAILED_LOGINS = 3;
    private static final String CAPABILITIES = "IMAP4rev1 AUTH=PLAIN SASL-IR ID";
    /** Before TLS on a STARTTLS listener (RFC 3501 6.2.1): no login mechanism, and LOGIN disabled. */
    private static final String CAPABILITIES_BEFORE_TLS = "IMAP4rev1 STARTTLS LOGINDISABLED ID";

    /**
     * Silence both ways after the login before the session is ended with a BYE: more than the 30 minutes RFC 9051
     * (5.4) requires, because IDLE clients re-issue IDLE every 29 minutes and a slow one must not be cut off.
     */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(31);

    private static final Replies REPLIES = new Replies("imap",
            "* BYE [UNAVAILABLE] too many connections, try again later", "* BYE line too long", "* BYE idle too long");

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
    void session(ClientConnection client) throws IOException {
        Lines.write(client.out(), "* OK [CAPABILITY " + capabilities(client) + "] oauthmail IMAP proxy ready");
        int failed = 0;
        String line;
        while ((line = Lines.read(client.in())) != null) {
            InputStream in = client.in();
            OutputStream out = client.out();
            String[] parts = line.split(" ", 3);
            if (parts.length < 2) {
                Lines.write(out, "* BAD expected a tag and a command");
                continue;
            }
            String tag = parts[0];
            String rest = parts.length > 2 ? parts[2] : "";
            String verb = parts[1].toUpperCase(Locale.ROOT);
            String[] credentials = null;
            if ((verb.equals("LOGIN") || verb.equals("AUTHENTICATE")) && client.needsStartTls()) {
                Lines.write(out, tag + " NO [PRIVACYREQUIRED] Must issue a STARTTLS command first");
                continue;
            }
            switch (verb) {
                case "CAPABILITY" -> {
                    Lines.write(out, "* CAPABILITY " + capabilities(client));
                    Lines.write(out, tag + " OK CAPABILITY completed");
                }
                case "NOOP" -> Lines.write(out, tag + " OK NOOP completed");
                case "ID" -> {
                    Lines.write(out, "* ID NIL");
                    Lines.write(out, tag + " OK ID completed");
                }
                case "LOGOUT" -> {
                    Lines.write(out, "* BYE oauthmail IMAP proxy closing");
                    Lines.write(out, tag + " OK LOGOUT completed");
                    return;
                }
                case "LOGIN" -> {
                    List<String> arguments;
                    try {
                        arguments = ImapArguments.read(rest, in, out);
                    } catch (ImapArguments.Malformed e) { // one line, no stack trace: a client's mistake, not ours
                        LOG.warn("imap: BAD LOGIN from {}: {}", client.socket().getInetAddress().getHostAddress(), e.getMessage());
                        Lines.write(out, tag + " BAD " + e.getMessage());
                        continue;
                    }
                    credentials = arguments.size() == 2 ? arguments.toArray(String[]::new) : new String[] {"", ""};
                }
                case "AUTHENTICATE" -> credentials = LocalLogin.plainAfterVerb(rest, in, out);
                case "STARTTLS" -> {
                    if (!client.needsStartTls()) {
                        Lines.write(out, tag + " BAD STARTTLS is not offered here");
                    } else if (!client.startTls(tag + " OK begin TLS negotiation now",
                            tag + " BAD nothing may follow STARTTLS before the TLS handshake")) {
                        return;
                    }
                }
                default -> Lines.write(out, tag + " BAD log in first (LOGIN or AUTHENTICATE PLAIN)");
            }
            if (credentials == null) {
                continue;
            }
            Account account = localLogin(credentials[0], credentials[1], client);
            if (account != null) {
                relay(client.socket(), tag, account);
                return;
            }
            failed++; // the pause is the throttle's, before the address's next check (LoginCheck)
            Lines.write(client.out(), tag + " NO [AUTHENTICATIONFAILED] authentication failed");
            if (failed >= MAX_FAILED_LOGINS) {
                Lines.write(client.out(), "* BYE too many failed logins");
                return;
            }
        }
    }

    private void relay(Socket client, String tag, Account account) throws IOException {
        MailServer server = options.upstream().orElse(account.provider().imap());
        Socket connection;
        try {
            if (server == null) {
                throw new IOException("no IMAP server is configured for " + account.name());
            }
            connection = upstream.login(account, (token, tls) -> UpstreamImap.login(account, server, token, tls, 30_000));
        } catch (IOException | RuntimeException e) {
            Lines.write(client.getOutputStream(), UpstreamFailure.of(account, "the IMAP server", e).imap(tag));
            return;
        }
        client.setSoTimeout(0);
        Lines.write(client.getOutputStream(), tag + " OK LOGIN completed");
        try (connection) {
            Relay.both(client, connection, listener.threads(), new Relay.Rules(new ImapCapabilities(), StreamFilter.NONE, idleAfterLogin()));
        }
    }

    /** After STARTTLS the client asks again, and gets the list for the TLS session (RFC 3501 6.2.1). */
    private static String capabilities(ClientConnection client) {
        return client.needsStartTls() ? CAPABILITIES_BEFORE_TLS : CAPABILITIES;
    }
}
