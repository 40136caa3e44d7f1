package io.oauthmail.store;

import io.oauthmail.token.TokenSet;
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
