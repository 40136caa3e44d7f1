package io.oauthmail.store;

import io.oauthmail.account.TokenSet;
import java.util.Optional;

/**
 * Where accounts' tokens are kept between runs. Implementations are safe for use from several threads, and
 * {@link #lock} makes read-refresh-write sequences safe across processes too (the CLI and the daemon).
 */
public interface TokenStore {

    /** The tokens of {@code account}, or empty if it never logged in (or logged out). */
    Optional<TokenSet> load(String account);

    /** Replaces the tokens of {@code account}; when this returns, they survive a crash. */
    void save(String account, TokenSet tokens);

    /**
     * Called with the account's lock held, before a refresh spends its refresh token: makes sure that the
     * answer can then be saved at once (room reserved on disk, the key and cipher ready, the database reachable),
     * and throws if it cannot, so that a provider that rotates never takes a refresh token whose successor
     * cannot be kept. The returned save must be fast: it sits between the provider's answer and durability.
     * Close it when the refresh ends, saved or not. The default simply saves.
     */
    default PreparedSave prepareSave(String account) {
        return new PreparedSave() {
            @Override
            public void save(TokenSet tokens) {
                TokenStore.this.save(account, tokens);
            }
        };
    }

    /** A save made ready before a refresh: see {@link #prepareSave}. */
    interface PreparedSave extends AutoCloseable {

        /** Saves the refreshed tokens; when this returns, they survive a crash. */
        void save(TokenSet tokens);

        /**
         * Makes the provider's answer durable the moment it arrives, before it is even parsed: from here on a crash
         * loses nothing, because the next {@link #prepareSave} hands it back ({@link #unsavedAnswer}). A rotated
         * refresh token lives only in that answer, and the provider may already refuse the old one. The default
         * keeps nothing.
         *
         * @param answer     the token endpoint's answer body (a successful one), as received
         * @param receivedAt when the request was sent, from which the answer's expiry counts
         */
        default void journal(String answer, java.time.Instant receivedAt) {
        }

        /**
         * The answer an earlier refresh journaled and never saved (its process died between the two), to be
         * recovered before the stored refresh token is presented again.
         */
        default java.util.Optional<UnsavedAnswer> unsavedAnswer() {
            return java.util.Optional.empty();
        }

        /**
         * True if an earlier refresh of this account was prepared and never finished (its process died, or its
         * save failed, after the request may have reached the provider): a refusal of the stored refresh token
         * is then most likely that refresh's doing, not a revocation.
         */
        default boolean earlierRefreshUnfinished() {
            return false;
        }

        @Override
        default void close() {
        }
    }

    /** A token endpoint's answer that was journaled and never saved: see {@link PreparedSave#journal}. */
    record UnsavedAnswer(String answer, java.time.Instant receivedAt) {
        @Override
        public String toString() {
            return "UnsavedAnswer[answer=<redacted>, receivedAt=" + receivedAt + "]";
        }
    }

    /** Forgets {@code account}'s tokens; does nothing if there are none. */
    void delete(String account);

    /**
     * Blocks until this thread holds the exclusive lock on {@code account} against every other thread and
     * process using the same store, and returns it; close it to release. Hold it from reading the refresh
     * token until the refreshed tokens are saved, so no two refreshes of one account overlap.
     */
    AccountLock lock(String account);

    /** An exclusive lock on one account, released by {@link #close()}. */
    interface AccountLock extends AutoCloseable {
        @Override
        void close();
    }
}
