package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A local POP3 server for programs that cannot speak OAuth: {@code USER}/{@code PASS} or {@code AUTH PLAIN}
 * with the account's name and local password, then AUTH XOAUTH2 upstream and a byte relay. Nothing goes
 * upstream before the local login succeeded; failed logins are slowed and limited.
 */
public final class Pop3Proxy extends ProtocolProxy {

    private static final int MAX_FAILED_LOGINS = 3;

    /** Silence both ways after the login before the session is ended: RFC 1939's autologout timer, at least ten minutes. */
    static final Duration IDLE_AFTER_LOGIN = Duration.ofMinutes(10);

    private static final Replies REPLIES = new Replies("pop3",
            "-ERR [SYS/TEMP] too many connections, try again later", "-ERR line too long", "-ERR idle too long");

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
    void session(ClientConnection client) throws IOException {
        Lines.write(client.out(), "+OK oauthmail POP3 proxy ready");
        String user = null;
        int failed = 0;
        String line;
        while ((line = Lines.read(client.in())) != null) {
            OutputStream out = client.out();
            String[] parts = line.split(" ", 2);
            String verb = parts[0].toUpperCase(Locale.ROOT);
            String argument = parts.length > 1 ? parts[1] : "";
            String[] credentials = null;
            if (Set.of("USER", "PASS", "AUTH", "APOP").contains(verb) && client.needsStartTls()) {
                Lines.write(out, "-ERR Must issue STLS first: logins need TLS here");
                continue;
            }
            switch (verb) {
                case "CAPA" -> {
                    Lines.write(out, "+OK capabilities follow");
                    for (String capability : client.needsStartTls() ? List.of("STLS") : List.of("USER", "SASL PLAIN")) {
                        Lines.write(out, capability);
                    }
                    Lines.write(out, ".");
                }
                case "STLS" -> {
                    if (!client.needsStartTls()) {
                        Lines.write(out, "-ERR STLS is not offered here");
                    } else if (!client.startTls("+OK begin TLS negotiation", "-ERR nothing may follow STLS before the TLS handshake")) {
                        return;
                    }
                }
                case "USER" -> {
                    user = argument;
                    Lines.write(out, "+OK send PASS");
                }
                case "PASS" -> credentials = user == null ? new String[] {"", ""} : new String[] {user, argument};
                case "AUTH" -> credentials = LocalLogin.plainAfterVerb(argument, client.in(), out);
                case "NOOP" -> Lines.write(out, "+OK");
                case "QUIT" -> {
                    Lines.write(out, "+OK bye");
                    return;
                }
                default -> Lines.write(out, "-ERR log in first (USER/PASS or AUTH PLAIN)");
            }
            if (credentials == null) {
                continue;
            }
            Account account = localLogin(credentials[0], credentials[1], client);
            if (account != null) {
                relay(client.socket(), account);
                return;
            }
            failed++; // the pause is the throttle's, before the address's next check (LoginCheck)
            user = null;
            Lines.write(client.out(), "-ERR [AUTH] authentication failed");
            if (failed >= MAX_FAILED_LOGINS) {
                return;
            }
        }
    }

    private void relay(Socket client, Account account) throws IOException {
        MailServer server = options.upstream().orElse(account.provider().pop3());
        Socket connection;
        try {
            if (server == null) {
                throw new IOException("no POP3 server is configured for " + account.name());
            }
            connection = upstream.login(account, (token, tls) -> UpstreamPop3.login(account, server, token, tls, 30_000));
        } catch (IOException | RuntimeException e) {
            Lines.write(client.getOutputStream(), UpstreamFailure.of(account, "the POP3 server", e).pop3());
            return;
        }
        client.setSoTimeout(0);
        Lines.write(client.getOutputStream(), "+OK logged in");
        try (connection) {
            Pop3Capabilities capabilities = new Pop3Capabilities();
            Relay.both(client, connection, listener.threads(), new Relay.Rules(capabilities.replies(), capabilities.commands(), idleAfterLogin()));
        }
    }
}
