package io.oauthmail.token;

import io.oauthmail.account.TokenSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenManagerTest {

    private static Sandbox sandbox;
    private static Account alice;

    @TempDir
    Path dir;
    private TokenStore store;
    private TokenManager tokens;

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
    void login() {
        store = EncryptedFileStore.openWithKeyFile(dir.resolve("store"));
        tokens = new TokenManager(store, Clock.systemUTC());
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
    }

    @Test
    void aValidTokenIsServedFromTheStoreWithoutARefresh() {
        int before = sandbox.tokenRequests("refresh_token");
        String first = tokens.accessToken(alice);
        assertThat(tokens.accessToken(alice)).isEqualTo(first);
        assertThat(sandbox.tokenRequests("refresh_token")).isEqualTo(before);
    }

    @Test
    void anExpiringTokenIsRefreshedOnceAndTheRotatedRefreshTokenIsSaved() {
        TokenSet original = store.load(alice.name()).orElseThrow();
        store.save(alice.name(), original.withExpiresAt(Instant.now().plusSeconds(60))); // inside the 5-minute margin
        int before = sandbox.tokenRequests("refresh_token");

        String fresh = tokens.accessToken(alice);

        assertThat(fresh).isNotEqualTo(original.accessToken());
        assertThat(sandbox.tokenRequests("refresh_token") - before).isEqualTo(1);
        TokenSet saved = store.load(alice.name()).orElseThrow();
        assertThat(saved.accessToken()).isEqualTo(fresh);
        assertThat(saved.refreshToken()).as("rotated refresh token persisted").isNotEqualTo(original.refreshToken());
        assertThat(saved.refreshTokenIssuedAt()).isAfterOrEqualTo(original.refreshTokenIssuedAt());
        // and the saved one works for the next refresh (the old one is already dead at the server)
        assertThat(tokens.refresh(alice).accessToken()).isNotEqualTo(fresh);
    }

    @Test
    void manyThreadsAskingForAnExpiredTokenCauseOneRefresh() throws Exception {
        TokenSet original = store.load(alice.name()).orElseThrow();
        store.save(alice.name(), original.withExpiresAt(Instant.now().minusSeconds(1)));
        int before = sandbox.tokenRequests("refresh_token");
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return tokens.accessToken(alice);
            }));
        }
        go.countDown();
        Set<String> seen = new HashSet<>();
        for (Future<String> result : results) {
            seen.add(result.get());
        }
        pool.shutdown();
        assertThat(seen).hasSize(1).doesNotContain(original.accessToken());
        assertThat(sandbox.tokenRequests("refresh_token") - before).isEqualTo(1);
    }

    @Test
    void aRetiredRefreshTokenMeansLoggingInAgain() {
        TokenSet original = store.load(alice.name()).orElseThrow();
        tokens.refresh(alice); // rotates: the original refresh token is now dead at the server
        store.save(alice.name(), original.withExpiresAt(Instant.now().minusSeconds(1)));
        assertThatThrownBy(() -> tokens.accessToken(alice))
                .isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("alice@sandbox.test").hasMessageContaining("invalid_grant")
                .satisfies(e -> assertThat(((ReauthorizationRequired) e).hint())
                        .hasValue("run: oauthmail login alice@sandbox.test"))
                .message().doesNotContain(original.refreshToken());
    }

    @Test
    void anUnreachableTokenEndpointIsTemporaryAndKeepsTheRefreshToken() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Provider p = alice.provider();
        Account unreachable = alice.withProvider(p.withEndpoints(new OAuthEndpoints(p.endpoints().authorization(),
                URI.create("http://127.0.0.1:" + closedPort + "/token"), null, null, null)));
        TokenSet original = store.load(alice.name()).orElseThrow().withExpiresAt(Instant.now().minusSeconds(1));
        store.save(alice.name(), original);
        assertThatThrownBy(() -> tokens.accessToken(unreachable)).isInstanceOf(TemporaryFailure.class)
                .hasMessageContaining("could not be reached");
        assertThat(store.load(alice.name()).orElseThrow().refreshToken()).isEqualTo(original.refreshToken());
    }

    @Test
    void anAccountThatNeverLoggedInIsToldToLogIn() {
        Account bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        assertThatThrownBy(() -> tokens.accessToken(bob)).isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("bob@sandbox.test");
    }
}
