package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.store.TokenStore.PreparedSave;
import io.oauthmail.testing.SmallTmpfs;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepared save of a refresh (issue 9): room reserved before the request, a journal, nothing left behind. */
class EncryptedFileStoreDurabilityTest {

    @TempDir
    Path dir;

    private final TokenSet before = new TokenSet("access-SECRET-1", Instant.ofEpochSecond(2_000_000_000L),
            "refresh-SECRET-2", Instant.ofEpochSecond(1_900_000_000L), List.of("https://mail.google.com/"), null);
    private final TokenSet after = new TokenSet("access-SECRET-3", Instant.ofEpochSecond(2_000_003_600L),
            "refresh-SECRET-4", Instant.ofEpochSecond(1_900_003_600L), List.of("https://mail.google.com/"), "id-SECRET-5");

    @Test
    void anAnswerJournaledByARefreshThatDiedIsHandedBackSealedUntilASaveClearsIt() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        TokenSet stored = new TokenSet("old-access", Instant.ofEpochSecond(2_000_000_000L), "old-refresh",
                Instant.ofEpochSecond(1_900_000_000L), java.util.List.of(), null);
        store.save("me", stored);
        Instant sentAt = Instant.ofEpochSecond(1_950_000_000L);
        String answer = "{\"access_token\":\"new-access\",\"token_type\":\"Bearer\",\"refresh_token\":\"rotated-SECRET\"}";
        PreparedSave dying = store.prepareSave("me");
        dying.journal(answer, sentAt); // forced to disk; then the process is killed: never saved, never closed
        Path journal = store.fileOf("me").resolveSibling("me.token.answer");
        assertThat(new String(Files.readAllBytes(journal), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("sealed, never in the clear").doesNotContain("rotated-SECRET").startsWith("OMJ1");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(journal)))
                .isEqualTo("rw-------");
        assertThat(store.load("me")).contains(stored);
        // Killed in the middle of the save that followed: the token record half written over the pending file.
        Files.write(store.fileOf("me").resolveSibling("me.token.pending"), new byte[] {'O', 'M', 'T', '1', 0, 1, 2});

        try (PreparedSave next = store.prepareSave("me")) {
            assertThat(next.unsavedAnswer()).contains(new TokenStore.UnsavedAnswer(answer, sentAt));
            next.save(stored.withExpiresAt(Instant.ofEpochSecond(2_100_000_000L)));
        }
        assertThat(Files.exists(journal)).as("its answer is in the token file now").isFalse();
        try (PreparedSave after = store.prepareSave("me")) {
            assertThat(after.unsavedAnswer()).isEmpty();
        }
        // Another account's journal does not open as this one's.
        Files.write(store.fileOf("other").resolveSibling("other.token.answer"), AnswerJournal.seal(
                new TokenSealing(StoreKey.resolve(dir, null)), "me", answer, sentAt));
        store.save("other", stored);
        Files.setLastModifiedTime(store.fileOf("other").resolveSibling("other.token.answer"),
                java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        try (PreparedSave other = store.prepareSave("other")) {
            assertThat(other.earlierRefreshUnfinished()).isTrue();
            assertThat(other.unsavedAnswer()).isEmpty();
        }
    }

    @Test
    void aPreparedSaveReservesRoomThenReplacesTheTokensAndLeavesNothingBehind() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", before);
        Path pending = dir.resolve("me.token.pending");
        try (PreparedSave save = store.prepareSave("me")) {
            assertThat(save.earlierRefreshUnfinished()).isFalse();
            assertThat(Files.size(pending)).as("room reserved, beyond the current record")
                    .isGreaterThan(Files.size(store.fileOf("me")) + 4096);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pending))).isEqualTo("rw-------");
            save.save(after);
        }
        assertThat(store.load("me")).contains(after);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.fileOf("me")))).isEqualTo("rw-------");
        assertThat(namesIn(dir)).containsExactlyInAnyOrder("store.key", "me.token");
    }

    @Test
    void aPreparedSaveThatIsNotUsedGivesTheRoomBack() {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", before);
        try (PreparedSave save = store.prepareSave("me")) {
            assertThat(dir.resolve("me.token.pending")).exists();
        } // the request failed before it was sent, say
        assertThat(namesIn(dir)).containsExactlyInAnyOrder("store.key", "me.token");
        assertThat(store.load("me")).contains(before);
    }

    @Test
    void theFirstRefreshOfAnAccountWithoutTokensSuspectsNothing() {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir); // an app-only account's first token
        try (PreparedSave save = store.prepareSave("app")) {
            assertThat(save.earlierRefreshUnfinished()).isFalse();
        }
        assertThat(namesIn(dir)).containsExactly("store.key");
        try (PreparedSave save = store.prepareSave("app")) {
            assertThat(save.earlierRefreshUnfinished()).isFalse();
            save.save(after);
        }
        assertThat(store.load("app")).contains(after);
    }

    @Test
    void aPendingFileLeftByADeadProcessMeansAnEarlierRefreshDidNotFinishUntilOneSaves() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", before);
        // What a process killed between its prepare and its rename leaves: the reserved bytes, under the fixed name.
        Files.write(dir.resolve("me.token.pending"), new byte[8192]);
        try (PreparedSave save = store.prepareSave("me")) {
            assertThat(save.earlierRefreshUnfinished()).isTrue();
        } // this one failed too (invalid_grant, explained): the journal stays for the next
        try (PreparedSave save = store.prepareSave("me")) {
            assertThat(save.earlierRefreshUnfinished()).isTrue();
            save.save(after);
        }
        try (PreparedSave save = store.prepareSave("me")) {
            assertThat(save.earlierRefreshUnfinished()).as("a refresh saved since").isFalse();
        }
        assertThat(store.load("me")).contains(after);
    }

    @Test
    void aLoginAfterTheUnfinishedRefreshClearsTheSuspicion() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        Path pending = dir.resolve("me.token.pending");
        Files.write(pending, new byte[8192]);
        Files.setLastModifiedTime(pending, FileTime.from(Instant.now().minusSeconds(60)));
        store.save("me", before); // oauthmail login: newer than the pending file
        try (PreparedSave save = store.prepareSave("me")) {
            assertThat(save.earlierRefreshUnfinished()).isFalse();
        }
    }

    @Test
    void temporaryFilesOfDeadSavesAreSweptAndFreshOnesLeftAlone() throws Exception {
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", before);
        Path abandoned = Files.write(dir.resolve(".tmp-123.token"), new byte[100]);
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minusSeconds(3600)));
        Path inUse = Files.write(dir.resolve(".tmp-456.token"), new byte[100]); // an older oauthmail, mid-save
        store.prepareSave("me").close();
        assertThat(abandoned).doesNotExist();
        assertThat(inUse).exists();
    }

    @Test
    void theFolderIsForcedToDiskAfterARename() throws Exception {
        // A rename is durable only once its folder is: on Linux the folder opens for reading and forces.
        try (FileChannel folder = StoreFolder.open(dir)) {
            assertThat(folder).as("folder fsync is not silently skipped on this system").isNotNull();
            folder.force(true);
        }
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save("me", before); // a login: temporary file, rename, folder forced
        try (PreparedSave save = store.prepareSave("me")) {
            save.save(after);
        }
        assertThat(store.load("me")).contains(after);
    }

    @Test
    void aFullDiskIsFoundBeforeTheRefreshTokenIsSpentAndTheStoredTokensAreIntact() throws Exception {
        Path mount = dir.resolve("small");
        try (SmallTmpfs disk = SmallTmpfs.mount(mount, 64)) {
            Path tokens = mount.resolve("tokens");
            EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(tokens);
            store.save("me@example.com", before);
            disk.fill(mount.resolve("filler"));
            assertThatThrownBy(() -> store.prepareSave("me@example.com")).isInstanceOf(TemporaryFailure.class)
                    .hasMessageContaining("me@example.com").hasMessageContaining(tokens.toString())
                    .hasMessageContaining("No space left").hasMessageNotContaining("SECRET")
                    .satisfies(e -> assertThat(((TemporaryFailure) e).hint()).hasValueSatisfying(hint -> assertThat(hint)
                            .contains("free space in " + tokens).contains("the refresh token was not used")));
            assertThat(store.load("me@example.com")).contains(before);
            assertThat(tokens.resolve("me@example.com.token.pending")).as("its room given back").doesNotExist();
            Files.delete(mount.resolve("filler"));
            try (PreparedSave save = store.prepareSave("me@example.com")) {
                save.save(after);
            }
            assertThat(store.load("me@example.com")).contains(after);
        }
    }

    private static List<String> namesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(name -> !name.endsWith(".lock")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
