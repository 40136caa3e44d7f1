package io.oauthmail.token;

import io.oauthmail.account.TokenSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The one vocabulary for an account's token state: {@code oauthmail accounts} (what the store says) and
 * {@code oauthmail status} (what the daemon knows) both speak it, so the same state has the same word. The
 * README's table of words is this enum.
 */
public enum TokenState {

    OK("ok", "a valid access token is stored; it is refreshed ahead of expiry"),
    EXPIRED("expired", "the access token has expired; the stored refresh token gets a new one on next use"),
    RETRYING("retrying", "the last refresh failed for a passing reason (network, provider busy); the daemon tries again"),
    NEEDS_LOGIN("needs-login", "the grant is lost: the provider refused the refresh token, or there is none and the"
            + " access token has expired; only a new login helps"),
    NOT_LOGGED_IN("not-logged-in", "no tokens are stored for the account; log in"),
    UNREADABLE("unreadable", "the stored tokens cannot be read (another passphrase, a damaged file)"),
    STARTING("starting", "the daemon has not looked at the account yet (a second or two after it starts)");

    private final String word;
    private final String meaning;

    TokenState(String word, String meaning) {
        this.word = word;
        this.meaning = meaning;
    }

    /** The word both commands print, e.g. {@code needs-login}. */
    public String word() {
        return word;
    }

    /** What the word means, for a person. */
    public String meaning() {
        return meaning;
    }

    /** True when only {@code oauthmail login} helps. */
    public boolean needsLogin() {
        return this == NEEDS_LOGIN || this == NOT_LOGGED_IN || this == UNREADABLE;
    }

    /** The state of {@code word}. @throws IllegalArgumentException for a word outside the vocabulary */
    public static TokenState ofWord(String word) {
        return Arrays.stream(values()).filter(state -> state.word.equals(word)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a token state: " + word));
    }

    /**
     * What the store alone says: nothing stored, a grant known to be lost ({@link LostGrants}), an access token
     * still valid, or expired with (or without) a way to renew it: a refresh token, or an app-only grant that
     * gets a new token without a person ({@code renewsByItself}).
     */
    public static TokenState of(Optional<TokenSet> stored, boolean grantLost, boolean renewsByItself, Instant now) {
        if (stored.isEmpty()) {
            return NOT_LOGGED_IN;
        }
        if (grantLost) {
            return NEEDS_LOGIN;
        }
        TokenSet tokens = stored.get();
        if (tokens.expiresAt().isAfter(now)) {
            return OK;
        }
        return tokens.refreshToken() != null || renewsByItself ? EXPIRED : NEEDS_LOGIN;
    }

    @Override
    public String toString() {
        return word;
    }
}
