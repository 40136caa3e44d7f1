package io.oauthmail.cli.accounts;

import io.oauthmail.OAuthMailException;
import io.oauthmail.account.Account;
import io.oauthmail.provider.Quirk;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.TokenSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * An account's token state in words, for {@code accounts list|show}: whether it can be used, when its access
 * token expires, how old its refresh token is, and a warning when the provider is known to kill refresh
 * tokens at that age (Google "Testing" apps at 7 days, Microsoft after 90 days unused).
 */
record AccountStatus(String status, Instant expiresAt, Duration refreshAge, String warning) {

    static AccountStatus of(Account account, TokenStore store, Instant now) {
        Optional<TokenSet> stored;
        try {
            stored = store.load(account.name());
        } catch (OAuthMailException e) {
            return new AccountStatus("token file unusable: run oauthmail login " + account.name(), null, null, null);
        }
        if (stored.isEmpty()) {
            return new AccountStatus("not logged in", null, null, null);
        }
        TokenSet tokens = stored.get();
        Duration age = tokens.refreshTokenIssuedAt() == null ? null : Duration.between(tokens.refreshTokenIssuedAt(), now);
        String status;
        if (tokens.expiresAt().isAfter(now)) {
            status = "ok";
        } else if (tokens.refreshToken() != null) {
            status = "ok (access token expired; refreshed on next use)";
        } else {
            status = "expired: run oauthmail login " + account.name();
        }
        return new AccountStatus(status, tokens.expiresAt(), age, warning(account, age));
    }

    private static String warning(Account account, Duration age) {
        if (age == null) {
            return null;
        }
        if (account.provider().has(Quirk.TESTING_APPS_EXPIRE_AFTER_7_DAYS) && age.compareTo(Duration.ofDays(6)) >= 0) {
            return "refresh token is " + age.toDays() + " days old: if the Google app is in \"Testing\" status it dies at 7 days;"
                    + " publish the app, then run oauthmail login " + account.name();
        }
        if (account.provider().has(Quirk.REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED) && age.compareTo(Duration.ofDays(80)) >= 0) {
            return "no refresh for " + age.toDays() + " days: Microsoft drops refresh tokens unused for 90 days;"
                    + " use the account (or run oauthmail refresh " + account.name() + ") before then";
        }
        return null;
    }

    static String describe(Duration d) {
        if (d == null) {
            return "-";
        }
        long minutes = d.toMinutes();
        if (Math.abs(minutes) < 120) {
            return minutes + " min";
        }
        long hours = d.toHours();
        return Math.abs(hours) < 48 ? hours + " h" : d.toDays() + " d";
    }
}
