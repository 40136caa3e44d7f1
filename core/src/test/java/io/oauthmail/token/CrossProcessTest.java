package io.oauthmail.token;

import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Separate JVMs sharing one token store, as the CLI and the daemon do. */
@Tag("slow")
class CrossProcessTest {

    private static Sandbox sandbox;
    private static Account alice;

    @TempDir
    Path dir;
    private EncryptedFileStore store;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void loginAndExpire() {
        store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens().withExpiresAt(Instant.now().minusSeconds(1)));
    }

    private Process launch(String mode, long startAt) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RefreshProcess.class.getName(),
                dir.toString(), sandbox.tokenEndpoint().toString(), alice.name(), mode, Long.toString(startAt))
                .redirectErrorStream(false).start();
    }

    private static String finish(Process p) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }

    @Test
    void twoProcessesRefreshingOneAccountAtOnceMakeOneRefresh() throws Exception {
        int before = sandbox.tokenRequests("refresh_token");
        long startAt = System.currentTimeMillis() + 1500; // both JVMs up by then, then both ask at once
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(launch("normal", startAt));
        }
        List<String> tokens = new ArrayList<>();
        for (Process p : processes) {
            tokens.add(finish(p));
        }
        assertThat(tokens.get(0)).isNotBlank().isEqualTo(tokens.get(1));
        assertThat(sandbox.tokenRequests("refresh_token") - before).isEqualTo(1);
        assertThat(store.load(alice.name()).orElseThrow().accessToken()).isEqualTo(tokens.get(0));
    }

    @Test
    void aProcessKilledBetweenTheAnswerAndTheSaveLeavesTheStoreIntactAndTheUserToldWhatToDo() throws Exception {
        TokenSet before = store.load(alice.name()).orElseThrow();
        int refreshes = sandbox.tokenRequests("refresh_token");
        Process crashing = launch("crash", 0);
        assertThat(crashing.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(crashing.exitValue()).isEqualTo(137);
        assertThat(sandbox.tokenRequests("refresh_token") - refreshes).as("the provider did answer").isEqualTo(1);

        // The store holds the previous tokens, whole: nothing half-written, and the lock was released by the OS.
        assertThat(store.load(alice.name())).contains(before);
        // The sandbox, unlike Microsoft, retires a refresh token once used: the next refresh says to log in again.
        TokenManager tokens = new TokenManager(store, Clock.systemUTC(), TokenManager.DEFAULT_MARGIN, Duration.ofSeconds(10),
                RetryPolicy.NONE, Sleeper.SYSTEM);
        assertThatThrownBy(() -> tokens.accessToken(alice)).isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("invalid_grant")
                .satisfies(e -> assertThat(((ReauthorizationRequired) e).hint()).hasValue("run: oauthmail login alice@sandbox.test"));
    }
}
