package io.oauthmail.cli.testbed;

import static io.oauthmail.cli.testbed.TestBed.fingerprint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.testbed.TestBedHome.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token lifecycle of the real {@code oauthmail} against the real test bed: Keycloak's rotation, reuse
 * detection and admin logout, Dovecot's introspection of every token, Postfix's submission. Each test logs in as
 * its own user ({@link TestBed}) in its own {@code OAUTHMAIL_HOME}.
 */
@Tag("testbed")
@ExtendWith(TestBed.class)
class TestBedTokensTest {

    /** How long {@code oauthmail token} may take to give up on a silent token endpoint, as issue 9 asks. */
    private static final Duration OUTAGE_BOUND = Duration.ofSeconds(15);
    /** On top of it: starting the JVM on a busy two-core CI machine. */
    private static final Duration PROCESS_START = Duration.ofSeconds(5);

    @Test
    void aLoggedInTokenIsServedFromTheCacheNotRefreshed(TestBed.User user, @TempDir Path dir) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        for (String client : List.of(TestBed.CLI, TestBed.CLI_SHORT)) { // access tokens of 300 s and of 60 s
            String account = client;
            home.addAccount(account, client);
            Run login = home.browserLogin(user, "loopback", account, "--no-browser");
            assertThat(login.exit()).as(login.err()).isZero();
            TokenSet stored = home.stored(account).orElseThrow();
            for (int call = 1; call <= 3; call++) {
                Run token = home.process("token", account);
                assertThat(token.exit()).as(token.err()).isZero();
                assertThat(fingerprint(token.out().strip()))
                        .as("%s, `oauthmail token` call %d: the stored token, not a refreshed one", client, call)
                        .isEqualTo(fingerprint(stored.accessToken()));
            }
            assertThat(fingerprint(home.stored(account).orElseThrow().refreshToken()))
                    .as("%s: no refresh happened, so Keycloak rotated no refresh token", client)
                    .isEqualTo(fingerprint(stored.refreshToken()));
        }
    }

    @Test
    void refreshRotatesTheRefreshTokenAndTheNewOneSendsAndReads(TestBed.User user, @TempDir Path dir) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "rotating";
        home.addAccount(account, TestBed.CLI);
        Run login = home.browserLogin(user, "loopback", account, "--no-browser");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.toolErr()).contains("logged in: " + account + " as " + user.email());
        TokenSet first = home.stored(account).orElseThrow();
        // Keycloak calls a rotated-out refresh token stale only if it was issued in an earlier whole second than
        // the session's last refresh: within the login's second it would take it again (a quirk of the server).
        Thread.sleep(1_100);

        Run refresh = home.cli("refresh", account);
        assertThat(refresh.exit()).as(refresh.err()).isZero();
        assertThat(refresh.out()).contains("expires_at");
        TokenSet second = home.stored(account).orElseThrow();
        assertThat(fingerprint(second.refreshToken())).as("Keycloak rotates refresh tokens; the new one is stored")
                .isNotEqualTo(fingerprint(first.refreshToken()));
        // The stored new refresh token is the live one: a second refresh with it succeeds and rotates again.
        Run again = home.cli("refresh", account);
        assertThat(again.exit()).as(again.err()).isZero();
        TokenSet third = home.stored(account).orElseThrow();
        assertThat(fingerprint(third.refreshToken())).isNotEqualTo(fingerprint(second.refreshToken()));

        // The refreshed access token logs in to Postfix, Dovecot IMAP and POP3 (Dovecot introspects it at Keycloak).
        Run test = home.cli("test", account);
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).contains("smtp", "imap", "pop3")
                .containsPattern("(?s)(OK: authenticated as " + user.email() + ".*){3}");
        // A message through Postfix's submission port, read back from Dovecot over IMAP.
        String subject = "testbed rotation " + UUID.randomUUID();
        Path body = Files.writeString(dir.resolve("body.txt"), "sent after two rotations\n" + subject + "\n");
        Run send = home.cli("send", account, "--to", user.email(), "--subject", subject, "--text", body.toString());
        assertThat(send.exit()).as(send.err()).isZero();
        assertThat(send.out().strip()).matches("<[^>]+@[^>]+>");
        Run fetched = awaitMessage(home, account, subject);
        assertThat(fetched.out().lines().filter(line -> line.contains(subject)).findFirst().orElseThrow())
                .contains("\"from\":\"" + user.email() + "\"").contains("\"subject\":\"" + subject + "\"");
        Run eml = home.cli("fetch", account, "--format", "eml", "--limit", "5");
        assertThat(eml.exit()).as(eml.err()).isZero();
        assertThat(eml.out()).contains("Subject: " + subject).contains("sent after two rotations");

        // The first refresh token died when it was rotated. Using it again is reuse, which ends the whole session
        // at Keycloak: the CLI then says to log in again.
        TestBed.Answer reuse = TestBed.refreshAt(TestBed.CLI, first.refreshToken());
        assertThat(reuse.status()).as(reuse.error()).isEqualTo(400);
        assertThat(reuse.error()).startsWith("invalid_grant");
        Run afterReuse = home.cli("refresh", account);
        assertThat(afterReuse.exit()).as(afterReuse.err()).isEqualTo(3);
        assertThat(afterReuse.err()).contains(account).contains("oauthmail login " + account);
    }

    /**
     * An administrator ends the user's sessions at Keycloak. The login is not the point here, so the tokens come
     * from the test-only password grant of {@code mail-test-short} (5 s access tokens), which is a real session.
     */
    @Test
    void anEndedSessionAsksForANewLogin(TestBed.User user, @TempDir Path dir) throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "ended";
        home.addAccount(account, TestBed.TEST_SHORT, "--client-secret", TestBed.TEST_SECRET, "--email", user.email());
        TokenSet granted = TestBed.passwordGrant(TestBed.TEST_SHORT, user);
        home.store(account, granted);
        Run before = home.cli("test", account, "imap");
        assertThat(before.exit()).as("the session works before it is ended: " + before.out() + before.err()).isZero();

        TestBed.endSessions(user);

        Run refresh = home.cli("refresh", account);
        assertThat(refresh.exit()).as(refresh.err()).isEqualTo(3);
        assertThat(refresh.err()).contains("account " + account).contains("oauthmail login " + account);
        awaitExpiry(home.stored(account).orElseThrow());
        Run token = home.process("token", account);
        assertThat(token.exit()).as(token.err()).isEqualTo(3);
        assertThat(token.out()).isEmpty();
        assertThat(token.err()).contains("account " + account).contains("oauthmail login " + account);
    }

    /**
     * The token endpoint stops answering: a port that accepts connections and never says a word (the harder case
     * than a refused connection, which fails at once). The test bed's Keycloak is never stopped: others use it.
     */
    @Test
    void anUnreachableTokenEndpointServesTheCachedTokenAndFailsFastWithout(TestBed.User user, @TempDir Path dir)
            throws Exception {
        TestBedHome home = new TestBedHome(dir);
        String account = "outage";
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String[] deadEndpoint = {"--authorization-endpoint", TestBed.AUTH_ENDPOINT, "--token-endpoint",
                "http://127.0.0.1:" + silent.getLocalPort() + "/realms/mail/protocol/openid-connect/token",
                "--client-secret", TestBed.TEST_SECRET, "--email", user.email()};

            // A valid cached token (300 s) is served without asking the endpoint.
            home.addAccount(account, TestBed.TEST, deadEndpoint);
            TokenSet valid = TestBed.passwordGrant(TestBed.TEST, user);
            home.store(account, valid);
            Run served = home.process("token", account);
            assertThat(served.exit()).as(served.err()).isZero();
            assertThat(fingerprint(served.out().strip())).isEqualTo(fingerprint(valid.accessToken()));
            assertThat(served.took()).as("served from the cache, not after waiting on the endpoint")
                    .isLessThan(PROCESS_START);

            // An expired one (5 s, let run out) cannot be refreshed: exit 4, soon, and the refresh token is kept.
            home.addAccount(account, TestBed.TEST_SHORT, deadEndpoint);
            TokenSet expiring = TestBed.passwordGrant(TestBed.TEST_SHORT, user);
            home.store(account, expiring);
            awaitExpiry(expiring);
            Run failed = home.process("token", account);
            assertThat(failed.exit()).as(failed.err()).isEqualTo(4);
            assertThat(failed.out()).isEmpty();
            assertThat(failed.err()).contains(account);
            assertThat(failed.took()).isLessThan(OUTAGE_BOUND.plus(PROCESS_START));
            assertThat(fingerprint(home.stored(account).orElseThrow().refreshToken()))
                    .as("a temporary failure never costs the refresh token").isEqualTo(fingerprint(expiring.refreshToken()));
        }
    }

    /** Delivery goes Postfix → LMTP → Dovecot, a moment after submission: polls {@code fetch} for the subject. */
    private static Run awaitMessage(TestBedHome home, String account, String subject) {
        AtomicReference<Run> fetched = new AtomicReference<>();
        await("'" + subject + "' in the INBOX").atMost(Duration.ofSeconds(15)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    Run run = home.cli("fetch", account, "--format", "json", "--limit", "50");
                    assertThat(run.exit()).as(run.err()).isZero();
                    fetched.set(run);
                    assertThat(run.out()).as("INBOX").contains(subject);
                });
        return fetched.get();
    }

    /** Keycloak's clock decides expiry, not one this test could move: real time has to pass. */
    private static void awaitExpiry(TokenSet tokens) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), tokens.expiresAt().plusSeconds(1));
        if (!left.isNegative()) {
            Thread.sleep(left.toMillis());
        }
    }
}
