package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.store.TokenStore.AccountLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What every database under {@link JdbcTokenStore} must do; a subclass per database supplies a fresh,
 * empty database for each test.
 */
abstract class JdbcTokenStoreContract {

    static final byte[] KEY = key(7);
    /** Appears in {@link #unreachable()}'s configuration and must never appear in a message. */
    static final String DB_PASSWORD = "PW-SECRET-9";

    final TokenSet tokens = new TokenSet("access-SECRET-1", Instant.ofEpochSecond(2_000_000_000L),
            "refresh-SECRET-2", Instant.ofEpochSecond(1_900_000_000L), List.of("https://mail.google.com/"), null);

    /** This test's database, without tables at first: a subclass sets it before each test. */
    DataSource database;

    /** A database that cannot be reached, configured with {@link #DB_PASSWORD}. */
    abstract DataSource unreachable();

    /** Arguments for {@link LockHolder} to open this test's database from another process. */
    abstract List<String> databaseForAnotherProcess();

    JdbcTokenStore store() {
        return new JdbcTokenStore(database, KEY);
    }

    static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    @Test
    void roundTripsUpdatesAndLoadsNothingForUnknownAccounts() {
        JdbcTokenStore store = store();
        assertThat(store.load("me@example.com")).isEmpty();
        store.save("me@example.com", tokens);
        assertThat(store.load("me@example.com")).contains(tokens);
        TokenSet refreshed = tokens.withExpiresAt(Instant.ofEpochSecond(2_100_000_000L));
        store.save("me@example.com", refreshed);
        assertThat(store().load("me@example.com")).contains(refreshed);
        assertThat(store.load("nobody@example.com")).isEmpty();
    }

    @Test
    void theColumnHoldsOnlyTheSealedRecord() throws Exception {
        store().save("me@example.com", tokens);
        String raw = new String(sealedRecordOf("me@example.com"), StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("OMT1").doesNotContain("SECRET").doesNotContain("mail.google.com");
        try (Connection c = database.getConnection();
                ResultSet row = c.createStatement().executeQuery("SELECT updated_at FROM oauthmail_tokens")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getTimestamp(1)).isNotNull();
        }
    }

    @Test
    void aTamperedRecordIsRefused() throws Exception {
        JdbcTokenStore store = store();
        store.save("me@example.com", tokens);
        byte[] sealed = sealedRecordOf("me@example.com");
        sealed[sealed.length - 5] ^= 1;
        execute("UPDATE oauthmail_tokens SET sealed = ? WHERE account = ?", sealed, "me@example.com");
        assertThatThrownBy(() -> store.load("me@example.com")).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("me@example.com").hasMessageContaining("does not decrypt")
                .hasMessageNotContaining("SECRET");
    }

    @Test
    void aRecordCopiedToAnotherAccountIsRefused() throws Exception {
        JdbcTokenStore store = store();
        store.save("alice", tokens);
        execute("INSERT INTO oauthmail_tokens (account, sealed, updated_at) VALUES (?, ?, CURRENT_TIMESTAMP)",
                "mallory", sealedRecordOf("alice"));
        assertThatThrownBy(() -> store.load("mallory")).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("mallory").hasMessageContaining("does not decrypt");
        assertThat(store.load("alice")).contains(tokens);
    }

    @Test
    void anotherKeyCannotReadTheTokens() {
        store().save("me", tokens);
        JdbcTokenStore other = new JdbcTokenStore(database, key(8));
        assertThatThrownBy(() -> other.load("me")).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("does not decrypt");
    }

    @Test
    void deleteForgetsOneAccount() {
        JdbcTokenStore store = store();
        store.save("alice", tokens);
        store.save("bob", tokens);
        store.delete("alice");
        store.delete("alice");
        store.delete("never-seen");
        assertThat(store.load("alice")).isEmpty();
        assertThat(store.load("bob")).contains(tokens);
    }

    @Test
    void aLockHeldByOneStoreBlocksAnotherUntilClosed() throws Exception {
        JdbcTokenStore first = store();
        JdbcTokenStore second = store();
        CompletableFuture<Void> waiting;
        AccountLock held = first.lock("me");
        try {
            first.lock("me").close(); // re-entrant in one thread
            second.lock("someone-else").close(); // other accounts are not blocked
            waiting = lockAndReleaseAsync(second, "me");
            assertBlocked(waiting);
        } finally {
            held.close();
        }
        waiting.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aProcessThatDiesWhileHoldingTheLockReleasesIt() throws Exception {
        store().save("me", tokens); // the tables exist, and an H2 database is open here to serve the child
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), "me"));
        command.addAll(databaseForAnotherProcess());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = CompletableFuture.supplyAsync(() -> linesUntilLocked(out)).get(60, TimeUnit.SECONDS);
            assertThat(lines).as("what the child printed").endsWith(LockHolder.LOCKED);
            CompletableFuture<Void> waiting = lockAndReleaseAsync(store(), "me");
            assertBlocked(waiting);
            child.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            waiting.get(20, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void storesStartingTogetherOnAnEmptyDatabaseAllCreateTheSchema() throws Exception {
        int stores = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        for (int i = 0; i < stores; i++) {
            String account = "user" + i;
            JdbcTokenStore store = store();
            saves.add(CompletableFuture.runAsync(() -> {
                await(start);
                store.save(account, tokens);
            }));
        }
        start.countDown();
        CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        JdbcTokenStore later = store();
        for (int i = 0; i < stores; i++) {
            assertThat(later.load("user" + i)).contains(tokens);
        }
    }

    @Test
    void aDatabaseTheStoreMadeBeforeFlywayKeepsItsTokensAndGetsTheNewColumns() throws Exception {
        store().save("me@example.com", tokens);
        // as the oldest store left it: its tables, no refresh journal, no Flyway history
        execute("DROP TABLE \"" + JdbcSchema.HISTORY_TABLE + "\"");
        execute("ALTER TABLE " + JdbcSchema.TOKENS + " DROP COLUMN refresh_pending");
        execute("ALTER TABLE " + JdbcSchema.TOKENS + " DROP COLUMN refresh_answer");

        JdbcTokenStore upgraded = store();
        assertThat(upgraded.load("me@example.com")).contains(tokens);
        try (TokenStore.PreparedSave save = upgraded.prepareSave("me@example.com")) {
            save.save(tokens);
        }
        assertThat(store().load("me@example.com")).contains(tokens);
        try (Connection c = database.getConnection(); PreparedStatement history = c.prepareStatement(
                "SELECT COUNT(*) FROM \"" + JdbcSchema.HISTORY_TABLE + "\" WHERE \"version\" = ? AND \"success\"")) {
            history.setString(1, JdbcSchema.LATEST);
            try (ResultSet row = history.executeQuery()) {
                assertThat(row.next() && row.getInt(1) == 1).as("the newest migration is recorded").isTrue();
            }
        }
    }

    @Test
    void anUnreachableDatabaseIsATemporaryFailureWithoutThePassword() {
        JdbcTokenStore store = new JdbcTokenStore(unreachable(), KEY);
        assertThatThrownBy(() -> store.load("me@example.com")).isInstanceOf(TemporaryFailure.class)
                .hasMessageContaining("me@example.com").hasMessageContaining("load")
                .hasMessageNotContaining(DB_PASSWORD);
        assertThatThrownBy(() -> store.lock("me@example.com")).isInstanceOf(TemporaryFailure.class)
                .hasMessageContaining("lock").hasMessageNotContaining(DB_PASSWORD);
    }

    @Test
    void aPreparedSaveSavesOnItsOwnConnectionAndLeavesNoMark() throws Exception {
        JdbcTokenStore store = store();
        store.save("me@example.com", tokens);
        TokenSet refreshed = tokens.withExpiresAt(Instant.ofEpochSecond(2_100_000_000L));
        try (TokenStore.PreparedSave save = store.prepareSave("me@example.com")) {
            assertThat(save.earlierRefreshUnfinished()).isFalse();
            assertThat(refreshMarked("me@example.com")).as("marked while the refresh is under way").isTrue();
            save.save(refreshed);
        }
        assertThat(store.load("me@example.com")).contains(refreshed);
        assertThat(refreshMarked("me@example.com")).isFalse();
        try (TokenStore.PreparedSave save = store.prepareSave("new@example.com")) { // no row yet: an app's first token
            save.save(tokens);
        }
        assertThat(store.load("new@example.com")).contains(tokens);
    }

    @Test
    void aMarkLeftByARefreshThatDiedIsReportedUntilASaveClearsIt() throws Exception {
        JdbcTokenStore store = store();
        store.save("me@example.com", tokens);
        store.prepareSave("me@example.com").close(); // a refresh that sent nothing: no mark stays
        assertThat(refreshMarked("me@example.com")).isFalse();
        // What a process killed after its prepare leaves behind (its connection dropped, its mark committed):
        execute("UPDATE oauthmail_tokens SET refresh_pending = CURRENT_TIMESTAMP WHERE account = ?", "me@example.com");
        try (TokenStore.PreparedSave save = store.prepareSave("me@example.com")) {
            assertThat(save.earlierRefreshUnfinished()).isTrue();
        } // refused and explained: the mark stays for the next one
        try (TokenStore.PreparedSave save = store.prepareSave("me@example.com")) {
            assertThat(save.earlierRefreshUnfinished()).isTrue();
        }
        store.save("me@example.com", tokens); // oauthmail login: a new grant, not suspected
        try (TokenStore.PreparedSave save = store.prepareSave("me@example.com")) {
            assertThat(save.earlierRefreshUnfinished()).isFalse();
        }
    }

    @Test
    void anAnswerJournaledByARefreshThatDiedIsHandedBackUntilASaveClearsIt() throws Exception {
        JdbcTokenStore store = store();
        store.save("me@example.com", tokens);
        Instant sentAt = Instant.ofEpochSecond(1_900_000_000L);
        String answer = "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"refresh_token\":\"rotated\"}";
        TokenStore.PreparedSave dying = store.prepareSave("me@example.com");
        dying.journal(answer, sentAt); // committed; then the process is killed: never saved, never closed
        try (Connection raw = database.getConnection(); PreparedStatement read = raw.prepareStatement(
                "SELECT refresh_answer FROM oauthmail_tokens WHERE account = ?")) {
            read.setString(1, "me@example.com");
            try (java.sql.ResultSet row = read.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(new String(row.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("sealed, never in the clear").doesNotContain("rotated");
            }
        }
        try (TokenStore.PreparedSave next = store.prepareSave("me@example.com")) {
            assertThat(next.unsavedAnswer()).contains(new TokenStore.UnsavedAnswer(answer, sentAt));
            next.save(tokens);
        }
        try (TokenStore.PreparedSave after = store.prepareSave("me@example.com")) {
            assertThat(after.unsavedAnswer()).isEmpty();
        }
    }

    @Test
    void anUnreachableDatabaseIsFoundBeforeTheRefreshTokenIsSpent() {
        JdbcTokenStore store = new JdbcTokenStore(unreachable(), KEY);
        assertThatThrownBy(() -> store.prepareSave("me@example.com")).isInstanceOf(TemporaryFailure.class)
                .hasMessageContaining("me@example.com").hasMessageContaining("the refresh token was not used")
                .hasMessageNotContaining(DB_PASSWORD);
    }

    private boolean refreshMarked(String account) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT refresh_pending FROM oauthmail_tokens WHERE account = ?")) {
            select.setString(1, account);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("a row for " + account).isTrue();
                return row.getObject(1) != null;
            }
        }
    }

    byte[] sealedRecordOf(String account) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT sealed FROM oauthmail_tokens WHERE account = ?")) {
            select.setString(1, account);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("a row for " + account).isTrue();
                return row.getBytes(1);
            }
        }
    }

    private void execute(String sql, Object... parameters) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    /** Takes and releases the lock in another thread: a lock is released by the thread that took it. */
    private static CompletableFuture<Void> lockAndReleaseAsync(JdbcTokenStore store, String account) {
        return CompletableFuture.runAsync(() -> store.lock(account).close());
    }

    /** Still waiting after a moment: long enough for a lock that is free to be taken many times over. */
    private static void assertBlocked(CompletableFuture<Void> waiting) throws Exception {
        try {
            waiting.get(500, TimeUnit.MILLISECONDS);
            fail("the lock was taken while another held it");
        } catch (TimeoutException expected) {
            // still blocked
        }
    }

    private static List<String> linesUntilLocked(BufferedReader reader) {
        List<String> lines = new ArrayList<>();
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
                if (line.equals(LockHolder.LOCKED)) {
                    break;
                }
            }
            return lines;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
