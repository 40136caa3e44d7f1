package io.oauthmail.server;

import io.oauthmail.token.TokenState;
import java.time.Instant;

/**
 * What the daemon knows of one account, for {@code oauthmail status}.
 *
 * @param status      a word of the one vocabulary {@link TokenState} (the refresher uses {@code ok}, {@code retrying},
 *                    {@code needs-login} and {@code starting}); any other word is refused, so the daemon cannot drift
 *                    from what {@code oauthmail accounts} says
 * @param expiresAt   when the current access token expires, or null
 * @param nextRefresh when the next refresh is planned, or null when none is (needs a login)
 * @param message     the last error or warning, or null
 */
record AccountState(String account, String status, Instant expiresAt, Instant nextRefresh, String message) {

    public AccountState {
        TokenState.ofWord(status);
    }

    /** {@link #status} as the vocabulary's value. */
    public TokenState state() {
        return TokenState.ofWord(status);
    }
}
