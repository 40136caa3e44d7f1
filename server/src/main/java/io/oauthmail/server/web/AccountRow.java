package io.oauthmail.server.web;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.GrantLifetimes;
import io.oauthmail.token.TokenState;
import io.oauthmail.web.AccountCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One line of the Accounts page: the state in {@code oauthmail accounts}' vocabulary ({@link TokenState}, as
 * {@link io.oauthmail.web.WebConnect#check} finds it, refreshing first if the access token is due, so a revoked
 * grant shows here), why it needs re-authorization, how old its refresh token is, and the provider's known
 * deadline warnings (Google "Testing" apps at 7 days, Microsoft after 90 days unused). Holds no token.
 */
record AccountRow(String name, String email, TokenState state, String reason, Duration refreshAge, String warning) {

    static AccountRow of(Account account, AccountCheck check, TokenStore store, Instant now) {
        Duration age = null;
        try {
            age = store.load(account.name()).map(TokenSet::refreshTokenIssuedAt)
                    .map(issued -> Duration.between(issued, now)).orElse(null);
        } catch (OAuthMailException e) {
            // unreadable: the check says so already
        }
        Duration known = age;
        String warning = GrantLifetimes.testingAppWarning(account, known)
                .or(() -> GrantLifetimes.unusedWarning(account, known)).orElse(null);
        return new AccountRow(account.name(), account.email(), check.state(), check.reason(), age, warning);
    }

    /** The state for a person: what the page shows in its State column. */
    String label() {
        return switch (state) {
            case OK, EXPIRED -> "ok";
            case RETRYING -> "retrying (the provider could not be reached just now)";
            case NEEDS_LOGIN, UNREADABLE -> "needs re-authorization";
            case NOT_LOGGED_IN -> "not connected";
            case STARTING -> "starting";
        };
    }

    boolean connected() {
        return state != TokenState.NOT_LOGGED_IN;
    }

    boolean needsReauthorization() {
        return state == TokenState.NEEDS_LOGIN || state == TokenState.UNREADABLE;
    }

    /** The refresh token's age for a person ("3 d", "5 h", "12 min"), or "-" when unknown. */
    String age() {
        return Optional.ofNullable(refreshAge).map(d -> d.toDays() >= 2 ? d.toDays() + " d"
                : d.toHours() >= 2 ? d.toHours() + " h" : Math.max(0, d.toMinutes()) + " min").orElse("-");
    }
}
