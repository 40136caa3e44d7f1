package io.oauthmail.cli.accounts;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.GrantLifetimes;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * An account's token state for {@code accounts list|show}, in the one vocabulary {@link TokenState} that
 * {@code oauthmail status} speaks too: the store, plus the note of a grant known to be lost ({@link LostGrants}),
 * which the store alone cannot show (it still holds the dead refresh token). Also when the access token expires,
 * how old the refresh token is, and a warning when the provider is known to kill refresh tokens at that age
 * (Google "Testing" apps at 7 days, Microsoft after 90 days unused).
 *
 * @param detail what a person should know beyond the word, with the command that fixes it; null when all is well
 */
record AccountStatus(TokenState state, Instant expiresAt, Duration refreshAge, String detail, String warning) {

    static AccountStatus of(Account account, TokenStore store, LostGrants lostGrants, Instant now) {
        Optional<TokenSet> stored;
        try {
            stored = store.load(account.name());
        } catch (OAuthMailException e) {
            return new AccountStatus(TokenState.UNREADABLE, null, null, e.getMessage() + "; if it stays so, run "
                    + account.loginCommand(), null);
        }
        Optional<LostGrants.LostGrant> lost = stored.flatMap(tokens -> lostGrants.find(account.name(), tokens));
        TokenState state = TokenState.of(stored, lost.isPresent(), account.app().isPresent(), now);
        if (stored.isEmpty()) {
            return new AccountStatus(state, null, null, "run " + account.loginCommand(), null);
        }
        TokenSet tokens = stored.get();
        Duration age = tokens.refreshTokenIssuedAt() == null ? null : Duration.between(tokens.refreshTokenIssuedAt(), now);
        String detail = null;
        if (lost.isPresent()) {
            detail = "the provider refused the refresh token (" + lost.get().reason() + ", noted "
                    + lost.get().at().truncatedTo(ChronoUnit.SECONDS) + "); run " + account.loginCommand();
        } else if (state == TokenState.NEEDS_LOGIN) {
            detail = "the access token has expired and no refresh token is stored; run " + account.loginCommand();
        }
        return new AccountStatus(state, tokens.expiresAt(), age, detail, warning(account, age));
    }

    /** The expiry for a person: "in 4 min", or "expired 4 min ago, refreshed on next use"; "-" without a token. */
    String expiry(Instant now) {
        if (expiresAt == null) {
            return "-";
        }
        if (expiresAt.isAfter(now)) {
            return "in " + describe(Duration.between(now, expiresAt));
        }
        return "expired " + describe(Duration.between(expiresAt, now)) + " ago"
                + (state == TokenState.EXPIRED ? ", refreshed on next use" : "");
    }

    private static String warning(Account account, Duration age) {
        return GrantLifetimes.testingAppWarning(account, age).or(() -> GrantLifetimes.unusedWarning(account, age)).orElse(null);
    }

    /** A duration for a person: seconds under two minutes, then minutes, hours, days. */
    static String describe(Duration d) {
        if (d == null) {
            return "-";
        }
        if (d.abs().compareTo(Duration.ofMinutes(2)) < 0) {
            return d.toSeconds() + " s";
        }
        long minutes = d.toMinutes();
        if (Math.abs(minutes) < 120) {
            return minutes + " min";
        }
        long hours = d.toHours();
        return Math.abs(hours) < 48 ? hours + " h" : d.toDays() + " d";
    }
}
