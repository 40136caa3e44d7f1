package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./oauthmail} launcher running {@code oauthmail token} (from this build's class path, through
 * {@code OAUTHMAIL_CLASSPATH}) against a strict sandbox: a refused reuse of a refresh token ends the session there,
 * as at Keycloak. A slow token endpoint must not hold the mail program past the timeout, and must not cost the
 * grant either: the refresh already sent goes on after the answer, and its rotated token is saved.
 */
@Tag("slow")
class TokenLauncherTest {

    @TempDir
    Path home;

    private record Run(int exit, String out, String err, Duration took) {
    }

    private Run launcher(String... args) throws Exception {
        Path launcher = Path.of("..", "oauthmail").toAbsolutePath().normalize();
        String[] command = new String[args.length + 2];
        command[0] = "/bin/sh";
        command[1] = launcher.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString(),
                "PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home"),
                "OAUTHMAIL_CLASSPATH", System.getProperty("java.class.path")));
        long start = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        return new Run(exit, out, err, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aSlowRefreshAnswersWithinTheTimeoutAndItsRotatedTokenIsStillSaved() throws Exception {
        try (Sandbox sandbox = Sandbox.start()) {
            SandboxHome.create(sandbox, home, "alice@sandbox.test");
            Files.writeString(home.resolve("config.toml"), "\n[tokens]\ntimeout = \"3s\"\n", StandardOpenOption.APPEND);
            TokenStore store = EncryptedFileStore.openWithKeyFile(home.resolve("tokens"));
            TokenSet loggedIn = store.load("alice@sandbox.test").orElseThrow();
            store.save("alice@sandbox.test", loggedIn.withExpiresAt(Instant.now().minusSeconds(1)));
            int refreshesBefore = sandbox.tokenRequests("refresh_token");

            // The provider takes the refresh (and rotates) but answers only after 8 s.
            sandbox.tokenEndpointFaults().delay(Duration.ofSeconds(8)).times(1);
            Run slow = launcher("token", "alice@sandbox.test");
            assertThat(slow.exit()).as(slow.err()).isEqualTo(ExitCodes.TEMPORARY);
            assertThat(slow.out()).isEmpty();
            assertThat(slow.err()).contains("alice@sandbox.test").contains("no new token within 3 s");
            assertThat(slow.took()).as("the mail program is answered at the timeout").isLessThan(Duration.ofSeconds(7));

            // The JVM went on alone and saved what the late answer brought.
            TokenSet saved = Awaits.polling("the rotated refresh token was saved, not abandoned",
                    Duration.ofSeconds(20)).until(() -> store.load("alice@sandbox.test").orElseThrow(),
                            stored -> !stored.refreshToken().equals(loggedIn.refreshToken()));

            Run next = launcher("token", "alice@sandbox.test");
            assertThat(next.exit()).as(next.err()).isZero();
            assertThat(next.out()).isEqualTo(saved.accessToken() + "\n");
            assertThat(sandbox.tokenRequests("refresh_token") - refreshesBefore).as("one refresh, never a reuse")
                    .isEqualTo(1);
            // And the grant lives: a forced refresh with the saved token works (a reuse would have ended it).
            Run refresh = launcher("refresh", "alice@sandbox.test");
            assertThat(refresh.exit()).as(refresh.err()).isZero();
        }
    }
}
