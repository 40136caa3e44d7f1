package io.oauthmail.token;

import io.oauthmail.ReauthorizationRequired;
import io.oauthmail.account.Account;
import io.oauthmail.oauth.TokenEndpoint;
import io.oauthmail.store.TokenStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Hands out access tokens that are valid for at least a margin (five minutes by default), refreshing ahead
 * of expiry. One refresh at a time per account, however many threads ask: the others wait and get its
 * result, and other processes sharing the store wait on its lock and then read the refreshed tokens. A
 * rotated refresh token is saved to the store before the new access token is handed out, so a
 * crash can never leave the store holding a refresh token the provider has already retired.
 */
public final class TokenManager {

    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(5);

    private final TokenStore store;
    private final Clock clock;
    private final Duration margin;
    private final Duration httpTimeout;

    public TokenManager(TokenStore store, Clock clock, Duration margin, Duration httpTimeout) {
        this.store = store;
        this.clock = clock;
        this.margin = margin;
        this.httpTimeout = httpTimeout;
    }

    public TokenManager(TokenStore store, Clock clock) {
        this(store, clock, DEFAULT_MARGIN, Duration.ofSeconds(30));
    }

    /** A valid access token for {@code account}, refreshed first if it expires within the margin. */
    public String accessToken(Account account) {
        TokenSet current = stored(account);
        if (!current.expiresWithin(margin, clock.instant())) {
            return current.accessToken();
        }
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            // Another thread or process may have refreshed while we waited for the lock.
            current = stored(account);
            if (!current.expiresWithin(margin, clock.instant())) {
                return current.accessToken();
            }
            return refreshLocked(account, current).accessToken();
        }
    }

    /**
     * Called when a server refused {@code rejected}: refreshes once, unless another caller already replaced
     * that token, and returns the token to retry with. Never loops: the caller retries once with the result.
     */
    public String tokenAfterRejection(Account account, String rejected) {
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            TokenSet current = stored(account);
            if (!current.accessToken().equals(rejected)) {
                return current.accessToken();
            }
            return refreshLocked(account, current).accessToken();
        }
    }

    /** Refreshes now, whatever the expiry: what {@code oauthmail refresh} does. */
    public TokenSet refresh(Account account) {
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            return refreshLocked(account, stored(account));
        }
    }

    private TokenSet refreshLocked(Account account, TokenSet current) {
        TokenSet refreshed = new TokenEndpoint(account, clock, httpTimeout).refresh(current);
        store.save(account.name(), refreshed);
        return refreshed;
    }

    private TokenSet stored(Account account) {
        return store.load(account.name()).orElseThrow(() -> new ReauthorizationRequired(account.name(),
                "it has no stored tokens (never logged in, or logged out)", "run: " + account.loginCommand()));
    }
}
