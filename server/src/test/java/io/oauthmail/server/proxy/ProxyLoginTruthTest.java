package io.oauthmail.server.proxy;

import static io.oauthmail.server.proxy.ProxyFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.SandboxAccounts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 item 1 against the sandbox: a grant ended at the OAuth server is a permanent failure in each protocol's
 * words, short and ending with the command that fixes it; a token endpoint that is down while the token has
 * expired is a temporary one, and the same login works once the endpoint is back.
 */
@Tag("slow")
class ProxyLoginTruthTest {

    private static final String CAROL = "carol@sandbox.test";
    private static final String DAVE = "dave@sandbox.test";
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(2);
    private static ProxyFixture proxies;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Sandbox sandbox = Sandbox.builder().users(List.of(ProxyFixture.ALICE, ProxyFixture.BOB, CAROL, DAVE))
                .accessTokenLifetime(TOKEN_LIFETIME).start();
        proxies = new ProxyFixture(sandbox, dir, Duration.ofMillis(500), 50,
                Map.of(CAROL, SandboxAccounts.account(sandbox, CAROL), DAVE, SandboxAccounts.account(sandbox, DAVE)));
    }

    @AfterAll
    static void stop() {
        proxies.close();
    }

    @Test
    void aGrantEndedAtTheProviderIsPermanentAndNamesTheFixInEachProtocol() throws Exception {
        assertThat(proxies.sandbox.endSessions(CAROL)).isPositive();
        String fix = "; run: oauthmail login " + CAROL;

        assertThat(imapLogin(CAROL)).startsWith("a1 NO [AUTHENTICATIONFAILED] ").endsWith(fix).hasSizeLessThan(120)
                .satisfies(ProxyLoginTruthTest::noSecrets);
        assertThat(smtpLogin(CAROL)).startsWith("535 5.7.8 ").endsWith(fix).hasSizeLessThan(120)
                .satisfies(ProxyLoginTruthTest::noSecrets);
        assertThat(pop3Login(CAROL)).startsWith("-ERR [AUTH] ").endsWith(fix).hasSizeLessThan(120)
                .satisfies(ProxyLoginTruthTest::noSecrets);
    }

    @Test
    void aTokenEndpointDownWhileTheTokenHasExpiredIsTemporaryInEachProtocol() throws Exception {
        Account dave = proxies.accounts.get(DAVE);
        Instant expiry = proxies.tokens.peek(dave).orElseThrow().expiresAt();
        Duration left = Duration.between(proxies.clock.instant(), expiry).plusMillis(300);
        if (!left.isNegative()) {
            proxies.clock.advance(left); // the stored token is dead, to the proxies' token manager
        }
        proxies.sandbox.tokenEndpointFaults().unavailable(503, Duration.ofSeconds(60)); // longer than any retry waits
        try {
            assertThat(imapLogin(DAVE)).startsWith("a1 NO [UNAVAILABLE] ").satisfies(ProxyLoginTruthTest::noSecrets);
            assertThat(smtpLogin(DAVE)).startsWith("454 4.7.0 ").satisfies(ProxyLoginTruthTest::noSecrets);
            assertThat(pop3Login(DAVE)).startsWith("-ERR [SYS/TEMP] ").satisfies(ProxyLoginTruthTest::noSecrets);
        } finally {
            proxies.sandbox.tokenEndpointFaults().clear();
        }
        assertThat(imapLogin(DAVE)).startsWith("a1 OK"); // it was temporary indeed: the grant is intact
    }

    private static String imapLogin(String user) throws IOException {
        try (ProxyFixture.Raw imap = new ProxyFixture.Raw(proxies.imap.port())) {
            imap.until("* OK");
            imap.send("a1 LOGIN " + user + " \"" + PASSWORD + "\"");
            return imap.line();
        }
    }

    private static String smtpLogin(String user) throws IOException {
        try (ProxyFixture.Raw smtp = new ProxyFixture.Raw(proxies.smtp.port())) {
            smtp.until("220");
            smtp.send("EHLO client.example");
            smtp.until("250 ");
            smtp.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + user + "\0" + PASSWORD).getBytes()));
            return smtp.line();
        }
    }

    private static String pop3Login(String user) throws IOException {
        try (ProxyFixture.Raw pop3 = new ProxyFixture.Raw(proxies.pop3.port())) {
            pop3.until("+OK");
            pop3.send("USER " + user);
            pop3.line();
            pop3.send("PASS " + PASSWORD);
            return pop3.line();
        }
    }

    private static void noSecrets(String line) {
        assertThat(line).doesNotContain(PASSWORD).doesNotContain("eyJ").doesNotContain("\r").doesNotContain("\n");
    }
}
