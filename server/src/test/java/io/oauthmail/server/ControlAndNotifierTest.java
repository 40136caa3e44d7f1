package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.Providers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlAndNotifierTest {

    @TempDir
    Path dir;

    @Test
    void theControlSocketAnswersStatusAndTokensAndOnlyItsOwnerCanReachIt() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        java.util.concurrent.atomic.AtomicInteger reloads = new java.util.concurrent.atomic.AtomicInteger();
        TokenSet stored = new TokenSet("the-access-token", Instant.parse("2030-01-01T00:00:00Z"), "the-refresh-token",
                Instant.now(), List.of(), null);
        ControlServer.Answers answers = new ControlServer.Answers() {
            @Override
            public String status() {
                return "{\"account\":\"me\",\"status\":\"ok\"}";
            }

            @Override
            public Optional<TokenSet> token(String account) {
                return switch (account) {
                    case "me@example.com" -> Optional.of(stored);
                    case "revoked@example.com" -> throw new io.oauthmail.error.ReauthorizationRequired("revoked@example.com",
                            "the grant was revoked", "run: oauthmail login revoked@example.com");
                    case "busy@example.com" -> throw new io.oauthmail.error.TemporaryFailure("account busy@example.com: the "
                            + "token endpoint answered HTTP 503", "try again in a minute", null);
                    default -> Optional.empty();
                };
            }

            @Override
            public String reload() {
                if (reloads.incrementAndGet() == 2) {
                    throw new OAuthMailException("config.toml line 3: unknown key 'provder'", "fix the file, then run oauthmail reload");
                }
                return "reloaded: 2 accounts";
            }
        };
        try (ControlServer server = ControlServer.start(socket, answers)) {
            ControlClient client = new ControlClient(socket);
            assertThat(client.status()).startsWith("{\"account\":\"me\",\"status\":\"ok\"}");

            TokenSet token = client.token("me@example.com").orElseThrow();
            assertThat(token.accessToken()).isEqualTo("the-access-token");
            assertThat(token.expiresAt()).isEqualTo(stored.expiresAt());
            assertThat(token.refreshToken()).as("the refresh token never leaves the daemon").isNull();
            assertThat(client.token("stranger@example.com")).isEmpty();
            assertThat(client.token("revoked@example.com")).isEmpty();

            ControlClient.Answer revoked = client.get("/token/revoked%40example.com");
            assertThat(revoked.code()).as("a lost grant: the launcher exits 3 on it").isEqualTo(410);
            assertThat(revoked.body()).contains("oauthmail login revoked@example.com");
            assertThat(client.get("/token/busy%40example.com").code()).as("temporary: the launcher exits 4").isEqualTo(503);
            assertThat(client.get("/token/stranger%40example.com").code()).isEqualTo(404);
            assertThat(client.get("/shutdown").code()).isEqualTo(404);
            assertThat(client.get("/token/%zz").code()).isEqualTo(400);

            assertThat(client.reload()).isEqualTo(new ControlClient.Answer(200, "reloaded: 2 accounts\n", null));
            ControlClient.Answer broken = client.reload();
            assertThat(broken.code()).isEqualTo(422);
            assertThat(broken.body()).contains("line 3").contains("fix the file");
            assertThat(client.get("/reload").code()).as("a GET never changes anything").isEqualTo(405);
            assertThat(reloads).hasValue(2);

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        }
        assertThat(socket).doesNotExist();
        assertThat(new ControlClient(socket).token("me@example.com")).as("no daemon: the store answers").isEmpty();
    }

    @Test
    void curlFetchesATokenOverTheSocketAsTheLauncherDoes() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("curl", "--version").start().waitFor() == 0, "curl is not installed");
        Path socket = dir.resolve("run/serve.sock");
        TokenSet stored = new TokenSet("the-access-token", Instant.now().plusSeconds(3600), null, null, List.of(), null);
        try (ControlServer server = ControlServer.start(socket, new OneTokenAnswers("me@example.com", stored))) {
            assertThat(curl(socket, "me@example.com")).isEqualTo("0:the-access-token\n");
            assertThat(curl(socket, "other@example.com")).as("-f: an HTTP error prints nothing").isEqualTo("22:");
        }
    }

    private static String curl(Path socket, String account) throws Exception {
        Process curl = new ProcessBuilder("curl", "-sf", "--max-time", "5", "--unix-socket", socket.toString(),
                "http://localhost/token/" + account).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return curl.waitFor() + ":" + out;
    }

    @Test
    void hooksGetTheEventInTheirEnvironmentAndWarningsAreSentOnce() throws Exception {
        Path out = dir.resolve("events.txt");
        String append = "echo \"$OAUTHMAIL_EVENT|$OAUTHMAIL_ACCOUNT|$OAUTHMAIL_FIX|$OAUTHMAIL_MESSAGE\" >> " + out;
        Notifier notifier = new Notifier(Map.of("on_reauth_needed", append, "on_warning", append));
        Account me = new Account("me@gmail.com", "me@gmail.com", Providers.google(), "client", null, null, null);
        notifier.reauthorizationNeeded(me, "the grant was revoked", "oauthmail login me@gmail.com");
        notifier.warning(me, "7 days");
        notifier.warning(me, "7 days");
        notifier.tokenRefreshed(me, java.time.Instant.now()); // no hook configured: nothing runs
        // The hooks are shell processes the notifier does not wait for: a duplicate warning's would write its line
        // within a moment of the others, so the two lines must stay two for a while of real time.
        await("the two hooks' lines, and no third").atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(200))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> Files.exists(out) && Files.readAllLines(out).size() == 2);
        assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder(
                "reauth_needed|me@gmail.com|oauthmail login me@gmail.com|the grant was revoked",
                "warning|me@gmail.com||7 days");
    }
}
