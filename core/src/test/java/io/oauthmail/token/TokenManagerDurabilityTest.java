package io.oauthmail.token;

import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.oauth.TokenEndpoint;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.testing.SmallTmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9: a full disk must not cost the grant, and an unfinished refresh must be named when it did. */
class TokenManagerDurabilityTest {

    private static Sandbox sandbox;
    private static Account alice;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static TokenManager manager(EncryptedFileStore store) {
        return new TokenManager(store, Clock.systemUTC(), TokenManager.DEFAULT_MARGIN, Duration.ofSeconds(10),
                RetryPolicy.NONE, Sleeper.SYSTEM);
    }

    @Test
    void onAFullDiskTheRefreshTokenIsNotSentAndTheUserIsToldToFreeSpace() throws Exception {
        Path mount = dir.resolve("home");
        try (SmallTmpfs disk = SmallTmpfs.mount(mount, 64)) {
            Path tokenDir = mount.resolve("tokens");
            EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(tokenDir);
            store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens().withExpiresAt(Instant.now().minusSeconds(1)));
            TokenSet before = store.load(alice.name()).orElseThrow();
            disk.fill(mount.resolve("filler"));
            int refreshes = sandbox.tokenRequests("refresh_token");

            assertThatThrownBy(() -> manager(store).refresh(alice)).isInstanceOf(TemporaryFailure.class)
                    .hasMessageContaining(alice.name()).hasMessageContaining("No space left")
                    .hasMessageContaining(tokenDir.toString()).hasMessageNotContaining(before.refreshToken());
            assertThat(sandbox.tokenRequests("refresh_token")).as("refresh token not spent").isEqualTo(refreshes);
            assertThat(store.load(alice.name())).contains(before);

            Files.delete(mount.resolve("filler"));
            TokenSet refreshed = manager(store).refresh(alice); // the stored grant still works once there is room
            assertThat(store.load(alice.name())).contains(refreshed);
        }
    }

    @Test
    void aRefusalAfterARefreshThatDiedIsBlamedOnThatRefresh() throws Exception {
        Path tokenDir = dir.resolve("tokens");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(tokenDir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        TokenSet stored = store.load(alice.name()).orElseThrow();
        // A process prepared its save, sent the refresh (the sandbox rotates) and was killed before saving the answer.
        store.prepareSave(alice.name()); // never closed: the process is gone
        new TokenEndpoint(alice, Clock.systemUTC(), Duration.ofSeconds(10)).refresh(stored);

        assertThatThrownBy(() -> manager(store).refresh(alice)).isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("invalid_grant").hasMessageContaining("earlier refresh of this account did not finish")
                .satisfies(e -> assertThat(((ReauthorizationRequired) e).hint()).hasValue("run: " + alice.loginCommand()));
    }

    @Test
    void aRefusalWithoutAnUnfinishedRefreshIsNotBlamedOnOne() {
        Path tokenDir = dir.resolve("tokens");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(tokenDir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        TokenSet stored = store.load(alice.name()).orElseThrow();
        new TokenEndpoint(alice, Clock.systemUTC(), Duration.ofSeconds(10)).refresh(stored); // spent elsewhere, say

        assertThatThrownBy(() -> manager(store).refresh(alice)).isInstanceOf(ReauthorizationRequired.class)
                .hasMessageContaining("invalid_grant").hasMessageNotContaining("did not finish");
    }

    /**
     * A process killed after the answer arrived and before its tokens were saved: the raw answer was journaled as
     * it arrived, so the next refresh saves its tokens first and goes on with the rotated refresh token, which the
     * strict sandbox (reuse ends the session) would otherwise count as lost.
     */
    @Test
    void anAnswerJournaledBeforeAKillIsRecoveredAndTheGrantLives() throws Exception {
        Path tokenDir = dir.resolve("tokens");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(tokenDir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        TokenSet stored = store.load(alice.name()).orElseThrow();

        // What the killed process did: prepared, sent, journaled the answer, then died before the save.
        EncryptedFileStore.PreparedSave dying = store.prepareSave(alice.name()); // never saved nor closed
        TokenSet lostInMemory = new TokenEndpoint(alice, Clock.systemUTC(), Duration.ofSeconds(10))
                .refresh(stored, dying::journal);
        assertThat(store.load(alice.name())).as("the token file still holds the old tokens").contains(stored);

        java.util.List<TokenSet> recovered = new java.util.concurrent.CopyOnWriteArrayList<>();
        TokenManager manager = manager(store).withEvents(new RefreshEvents() {
            @Override
            public void recoveredUnsavedAnswer(Account account, TokenSet tokens) {
                recovered.add(tokens);
            }
        });
        int refreshes = sandbox.tokenRequests("refresh_token");
        TokenSet next = manager.refresh(alice);

        assertThat(recovered).singleElement().satisfies(t -> {
            assertThat(t.refreshToken()).isEqualTo(lostInMemory.refreshToken());
            assertThat(t.accessToken()).isEqualTo(lostInMemory.accessToken());
        });
        assertThat(sandbox.tokenRequests("refresh_token") - refreshes).as("one refresh, with the recovered token")
                .isEqualTo(1);
        assertThat(next.refreshToken()).isNotEqualTo(lostInMemory.refreshToken());
        assertThat(manager.refresh(alice).accessToken()).as("the session is alive: no reuse was presented")
                .isNotEqualTo(next.accessToken());
        try (var files = Files.list(tokenDir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".pending"));
        }
    }
}
