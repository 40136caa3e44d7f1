package io.oauthmail.server.proxy;

import static io.oauthmail.server.proxy.ProxyFixture.BOB;
import static io.oauthmail.server.proxy.ProxyFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.SandboxAccounts;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the client sees when the upstream side ends or is missing: a session ended by the server (as Gmail ends
 * one when its token expires) is a normal disconnect and the reconnect gets a fresh token; an unreachable server
 * is a temporary error in each protocol's words; a silent session is ended after the idle limit.
 */
@Tag("slow")
class ProxyUpstreamTest {

    /** Short enough to outlive in a test, as Gmail's hour is outlived by a long IMAP session. */
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(4);
    private static final String DOWN = "down@sandbox.test";
    private static ProxyFixture proxies;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Sandbox sandbox = Sandbox.builder().accessTokenLifetime(TOKEN_LIFETIME).start();
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort(); // nothing listens here once the probe is closed
        }
        MailServer nowhere = new MailServer("127.0.0.1", closed, TlsMode.IMPLICIT);
        Account alice = SandboxAccounts.account(sandbox, ProxyFixture.ALICE);
        Account down = new Account(DOWN, alice.mailUser(), alice.provider().withServers(nowhere, nowhere, nowhere),
                Sandbox.CLIENT_ID, null, java.util.List.of(), sandbox.caFile());
        proxies = new ProxyFixture(sandbox, dir, Duration.ofSeconds(1), 50, Map.of(DOWN, down));
    }

    @AfterAll
    static void stop() {
        proxies.close();
    }

    @Test
    void aSessionTheServerEndsIsANormalDisconnectAndTheReconnectGetsAFreshToken() throws Exception {
        try (ProxyFixture.Raw client = new ProxyFixture.Raw(proxies.imap.port())) {
            client.until("* OK");
            client.send("a1 LOGIN " + BOB + " \"" + PASSWORD + "\"");
            assertThat(client.until("a1 ")).last().asString().startsWith("a1 OK");
            client.send("a2 SELECT INBOX");
            assertThat(client.until("a2 ")).last().asString().startsWith("a2 OK");
            int refreshes = proxies.sandbox.tokenRequests("refresh_token");

            proxies.clock.advance(TOKEN_LIFETIME.plusMillis(500)); // the token this session logged in with has expired
            assertThat(proxies.sandbox.dropMailSessions()).isPositive();
            assertThat(client.line()).startsWith("* BYE");
            assertThat(client.line()).isNull();

            Properties props = new Properties();
            props.put("mail.imap.connectiontimeout", "5000");
            try (Store store = Session.getInstance(props).getStore("imap")) {
                store.connect("127.0.0.1", proxies.imap.port(), BOB, PASSWORD);
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                assertThat(inbox.getMessageCount()).isNotNegative();
                inbox.close(false);
            }
            assertThat(proxies.sandbox.tokenRequests("refresh_token")).isGreaterThan(refreshes);
        }
    }

    @Test
    void anUnreachableServerIsATemporaryErrorInEachProtocol() throws Exception {
        String plain = Base64.getEncoder().encodeToString(("\0" + DOWN + "\0" + PASSWORD).getBytes());
        try (ProxyFixture.Raw smtp = new ProxyFixture.Raw(proxies.smtp.port())) {
            smtp.until("220");
            smtp.send("EHLO client.example");
            smtp.until("250 ");
            smtp.send("AUTH PLAIN " + plain);
            assertThat(smtp.line()).startsWith("454 4.4.0").satisfies(ProxyUpstreamTest::noSecrets);
        }
        try (ProxyFixture.Raw imap = new ProxyFixture.Raw(proxies.imap.port())) {
            imap.until("* OK");
            imap.send("a1 LOGIN " + DOWN + " \"" + PASSWORD + "\"");
            assertThat(imap.line()).startsWith("a1 NO [UNAVAILABLE]").satisfies(ProxyUpstreamTest::noSecrets);
        }
        try (ProxyFixture.Raw pop3 = new ProxyFixture.Raw(proxies.pop3.port())) {
            pop3.until("+OK");
            pop3.send("USER " + DOWN);
            pop3.line();
            pop3.send("PASS " + PASSWORD);
            assertThat(pop3.line()).startsWith("-ERR [SYS/TEMP]").satisfies(ProxyUpstreamTest::noSecrets);
        }
    }

    private static void noSecrets(String line) {
        assertThat(line).doesNotContain(PASSWORD).doesNotContain("eyJ");
    }

    @Test
    void aSessionSilentBothWaysIsEndedAfterTheIdleLimit() throws Exception {
        proxies.imap.idleAfterLogin(Duration.ofSeconds(1));
        try (ProxyFixture.Raw client = new ProxyFixture.Raw(proxies.imap.port())) {
            client.until("* OK");
            client.send("a1 LOGIN " + BOB + " \"" + PASSWORD + "\"");
            assertThat(client.until("a1 ")).last().asString().startsWith("a1 OK");
            long start = System.nanoTime();
            assertThat(client.line()).startsWith("* BYE");
            assertThat(client.line()).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
        } finally {
            proxies.imap.idleAfterLogin(ImapProxy.IDLE_AFTER_LOGIN);
        }
    }

    @Test
    void aClientSilentBeforeLoggingInIsToldWhyItIsCutOff() throws Exception {
        Duration limit = Duration.ofMillis(500);
        proxies.smtp.idleBeforeLogin(limit);
        proxies.imap.idleBeforeLogin(limit);
        proxies.pop3.idleBeforeLogin(limit);
        int logins = proxies.imap.upstreamLogins();
        try (ProxyFixture.Raw smtp = new ProxyFixture.Raw(proxies.smtp.port());
                ProxyFixture.Raw imap = new ProxyFixture.Raw(proxies.imap.port());
                ProxyFixture.Raw pop3 = new ProxyFixture.Raw(proxies.pop3.port())) {
            smtp.until("220");
            imap.until("* OK");
            pop3.until("+OK");
            assertThat(smtp.line()).isEqualTo("421 4.4.2 idle too long, closing");
            assertThat(imap.line()).isEqualTo("* BYE idle too long");
            assertThat(pop3.line()).isEqualTo("-ERR idle too long");
            assertThat(smtp.line()).isNull();
            assertThat(imap.line()).isNull();
            assertThat(pop3.line()).isNull();
        } finally {
            proxies.smtp.idleBeforeLogin(ProxyListener.IDLE_BEFORE_LOGIN);
            proxies.imap.idleBeforeLogin(ProxyListener.IDLE_BEFORE_LOGIN);
            proxies.pop3.idleBeforeLogin(ProxyListener.IDLE_BEFORE_LOGIN);
        }
        assertThat(proxies.imap.upstreamLogins()).isEqualTo(logins);
    }
}
