package io.oauthmail.token;

import io.oauthmail.ReauthorizationRequired;
import io.oauthmail.TemporaryFailure;
import io.oauthmail.account.Account;
import io.oauthmail.account.AppGrant;
import io.oauthmail.oauth.ClientCredentialsFlow;
import io.oauthmail.oauth.ServiceAccountFlow;
import io.oauthmail.oauth.TokenEndpoint;
import io.oauthmail.store.TokenStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Hands out access tokens that are valid for at least a margin (five minutes by default), refreshing ahead
 * of expiry. One refresh at a time per account, however many threads ask: the others wait and get its
 * result, and other processes sharing the store wait on its lock and then read the refreshed tokens.
 * A temporary failure (network, 5xx, 429) is retried a few times with capped backoff, keeping the refresh
 * token; a lost grant becomes {@link ReauthorizationRequired} with the likely cause and the command that
 * fixes it.
 *
 * <p>Crash safety: a rotated refresh token is saved (atomically, forced to disk) before the new access token
 * is handed out, so nothing ever uses a token the store does not have. A crash between the provider's answer
 * and that save leaves the previous tokens intact in the store; Microsoft keeps a previous refresh token
 * valid after rotating (rotation does not revoke it), so the next refresh simply works; a provider that
 * retires it at once answers {@code invalid_grant}, and the user is told to log in again. No state is ever
 * half-written.
 */
public final class TokenManager {

    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(5);

    private final TokenStore store;
    private final Clock clock;
    private final Duration margin;
    private final Duration httpTimeout;
    private final RetryPolicy retry;
    private final Sleeper sleeper;

    public TokenManager(TokenStore store, Clock clock, Duration margin, Duration httpTimeout, RetryPolicy retry,
            Sleeper sleeper) {
        this.store = store;
        this.clock = clock;
        this.margin = margin;
        this.httpTimeout = httpTimeout;
        this.retry = retry;
        this.sleeper = sleeper;
    }

    public TokenManager(TokenStore store, Clock clock) {
        this(store, clock, DEFAULT_MARGIN, Duration.ofSeconds(30), RetryPolicy.DEFAULT, Sleeper.SYSTEM);
    }

    /** A valid access token for {@code account}, refreshed first if it expires within the margin. */
    public String accessToken(Account account) {
        return validTokens(account).accessToken();
    }

    /** Like {@link #accessToken} but with the expiry: for callers that keep a connection as long as it holds. */
    public TokenSet validTokens(Account account) {
        TokenSet current = storedOrNone(account);
        if (current != null && !current.expiresWithin(margin, clock.instant())) {
            return current;
        }
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            // Another thread or process may have refreshed while we waited for the lock.
            current = storedOrNone(account);
            if (current != null && !current.expiresWithin(margin, clock.instant())) {
                return current;
            }
            return refreshLocked(account, current);
        }
    }

    /** The stored tokens as they are, without refreshing: for status displays. */
    public java.util.Optional<TokenSet> peek(Account account) {
        return store.load(account.name());
    }

    /** The margin before expiry at which a token counts as expired. */
    public Duration margin() {
        return margin;
    }

    /**
     * Called when a server refused {@code rejected}: refreshes once, unless another caller already replaced
     * that token, and returns the token to retry with. Never loops: the caller retries once with the result.
     */
    public String tokenAfterRejection(Account account, String rejected) {
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            TokenSet current = storedOrNone(account);
            if (current != null && !current.accessToken().equals(rejected)) {
                return current.accessToken();
            }
            return refreshLocked(account, current).accessToken();
        }
    }

    /** Refreshes now, whatever the expiry: what {@code oauthmail refresh} does. */
    public TokenSet refresh(Account account) {
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            return refreshLocked(account, storedOrNone(account));
        }
    }

    /**
     * Refreshes with the lock held ({@code current} is null only for an app-only account with nothing stored): temporary failures are retried with capped exponential backoff (the old
     * refresh token is kept throughout); a lost grant is explained. The result is saved before it is returned.
     */
    private TokenSet refreshLocked(Account account, TokenSet current) {
        TokenEndpoint endpoint = new TokenEndpoint(account, clock, httpTimeout);
        for (int attempt = 1; ; attempt++) {
            try {
                TokenSet refreshed = account.app().isPresent() ? obtainForApp(account) : endpoint.refresh(current);
                store.save(account.name(), refreshed);
                return refreshed;
            } catch (ReauthorizationRequired e) {
                throw current == null ? e : ReauthorizationHints.explain(e, account, current, clock.instant());
            } catch (TemporaryFailure e) {
                Duration wait = e.retryAfter().orElse(retry.delayBefore(attempt + 1));
                if (attempt >= retry.attempts() || wait.compareTo(retry.maxDelay()) > 0) {
                    throw e;
                }
                pause(wait, e);
            }
        }
    }

    private void pause(Duration wait, TemporaryFailure cause) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    /** App-only accounts have no refresh token: they run their grant again. */
    private TokenSet obtainForApp(Account account) {
        if (account.appGrant() instanceof AppGrant.ServiceAccount serviceAccount) {
            return new ServiceAccountFlow(account, serviceAccount.keyFile(), clock, httpTimeout).obtain();
        }
        return new ClientCredentialsFlow(account, clock, httpTimeout).obtain();
    }

    /** The stored tokens; nothing stored is fine for an app-only account, which obtains its first token itself. */
    private TokenSet storedOrNone(Account account) {
        return account.app().isPresent() ? store.load(account.name()).orElse(null) : stored(account);
    }

    private TokenSet stored(Account account) {
        return store.load(account.name()).orElseThrow(() -> new ReauthorizationRequired(account.name(),
                "it has no stored tokens (never logged in, or logged out)", "run: " + account.loginCommand()));
    }
}
