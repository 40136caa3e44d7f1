package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.Quirk;
import io.oauthmail.sandbox.ImapSessionExpiry;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.token.TokenManager;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10, item 8: a client in IDLE through the proxy stays in IDLE across three lifetimes of the access token,
 * against a sandbox that ends IMAP sessions at token expiry as Gmail and Exchange do, and sees each new message.
 * With the provider's quirk known, the proxy logs in again before the expiry; without it, after the BYE (Gmail's
 * style only: Exchange says BYE only to the next command).
 */
@Tag("slow")
class ImapSessionKeeperTest {

    private static final Duration TOKEN_LIFE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, swap ahead: {1}")
    @CsvSource({"GMAIL, true", "MICROSOFT, true", "GMAIL, false"})
    void anIdleClientOutlivesThreeTokens(ImapSessionExpiry style, boolean quirkKnown) throws Exception {
        try (Sandbox sandbox = Sandbox.builder().accessTokenLifetime(TOKEN_LIFE).start()) {
            sandbox.setImapSessionExpiry(style);
            Account base = SandboxAccounts.account(sandbox, ProxyFixture.BOB);
            Provider provider = base.provider();
            EnumSet<Quirk> quirks = provider.quirks().isEmpty() ? EnumSet.noneOf(Quirk.class) : EnumSet.copyOf(provider.quirks());
            if (quirkKnown) {
                quirks.add(Quirk.ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY);
            } else {
                quirks.remove(Quirk.ENDS_IMAP_SESSIONS_AT_TOKEN_EXPIRY);
            }
            Account bob = base.withProvider(new Provider(provider.name(), provider.endpoints(), provider.scopes(),
                    provider.imap(), provider.pop3(), provider.smtp(), quirks));
            try (ProxyFixture proxies = new ProxyFixture(sandbox, dir, TokenManager.DEFAULT_MARGIN, 50,
                    Map.of(bob.name(), bob));
                    ProxyFixture.Raw client = new ProxyFixture.Raw(proxies.imap.port())) {
                client.line();
                client.send("a1 LOGIN " + bob.name() + " \"" + ProxyFixture.PASSWORD + "\"");
                assertThat(client.until("a1 ")).last().asString().startsWith("a1 OK");
                client.send("a2 SELECT INBOX");
                assertThat(client.until("a2 ")).last().asString().startsWith("a2 OK");
                client.send("a3 IDLE");
                assertThat(client.line()).startsWith("+");
                int upstreamLogins = proxies.imap.upstreamLogins();
                List<String> seen = new ArrayList<>();
                long end = System.nanoTime() + TOKEN_LIFE.multipliedBy(3).plusSeconds(2).toNanos();
                int delivered = 0;
                while (System.nanoTime() < end) {
                    deliver(sandbox, bob.email(), "message " + ++delivered);
                    String exists = awaitExists(client, seen, delivered);
                    assertThat(exists).as("new mail %d reached the idling client; it saw %s", delivered, seen).isNotNull();
                    // the sandbox ends sessions on its real clock: a message at its pace, each lifetime
                    Thread.sleep(TOKEN_LIFE.toMillis() * 2 / 3);
                }
                assertThat(seen).as("never a BYE").noneMatch(line -> line.startsWith("* BYE"));
                assertThat(proxies.imap.upstreamLogins() - upstreamLogins).as("logged in again for the client")
                        .isGreaterThanOrEqualTo(2);
                client.send("DONE");
                assertThat(client.until("a3 ")).last().asString().startsWith("a3 OK");
                client.send("a4 NOOP");
                assertThat(client.until("a4 ")).last().asString().startsWith("a4 OK");
                client.send("a5 LOGOUT");
                assertThat(client.until("a5 ")).last().asString().startsWith("a5 OK");
            }
        }
    }

    /** The {@code * n EXISTS} counting {@code count} messages, within a few seconds (every line goes to {@code seen}), or null. */
    private static String awaitExists(ProxyFixture.Raw client, List<String> seen, int count) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        client.socket.setSoTimeout(500);
        try {
            while (System.nanoTime() < end) {
                String line;
                try {
                    line = client.line();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (line == null) {
                    seen.add("<closed>");
                    return null;
                }
                seen.add(line);
                if (line.equals("* " + count + " EXISTS")) {
                    return line;
                }
            }
            return null;
        } finally {
            client.socket.setSoTimeout(20_000);
        }
    }

    private static void deliver(Sandbox sandbox, String to, String subject) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("dave@sandbox.test"));
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("hello");
        sandbox.deliver(to, message);
    }
}
