package io.oauthmail.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.provider.Quirk;
import java.time.Duration;
import java.time.Instant;

/**
 * Why a grant most likely died, from what is known of the providers, so the user is told the cause and not
 * only "invalid_grant": Google kills the refresh tokens of "Testing" apps 7 days after issue; Microsoft
 * drops refresh tokens unused for 90 days (AADSTS700082); everywhere a password change or a revocation
 * ends the grant.
 */
final class ReauthorizationHints {

    private ReauthorizationHints() {
    }

    static ReauthorizationRequired explain(ReauthorizationRequired e, Account account, TokenSet tokens, Instant now) {
        Duration age = tokens.refreshTokenIssuedAt() == null ? null : Duration.between(tokens.refreshTokenIssuedAt(), now);
        String cause;
        if (account.provider().has(Quirk.TESTING_APPS_EXPIRE_AFTER_7_DAYS) && age != null
                && age.compareTo(GrantLifetimes.TESTING_APP.minusHours(1)) >= 0
                && age.compareTo(GrantLifetimes.TESTING_APP.plusDays(1)) < 0) {
            cause = "the refresh token was issued " + age.toDays() + " days ago, and Google expires the refresh tokens of apps in "
                    + "\"Testing\" publishing status after 7 days: publish the app (Google Cloud console, OAuth consent "
                    + "screen, Publish app) so the next login lasts";
        } else if (e.reason().contains("AADSTS700082") || (account.provider().has(Quirk.REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED)
                && age != null && age.compareTo(GrantLifetimes.UNUSED) >= 0)) {
            cause = "the refresh token was not used for 90 days, after which Microsoft drops it; run oauthmail serve, or use "
                    + "the account more often than that";
        } else if (e.reason().contains("invalid_grant")) {
            cause = "the grant was revoked or expired (a password change, removed app access, or an admin policy end it)";
        } else {
            return e;
        }
        return new ReauthorizationRequired(account.name(), e.reason() + "; most likely " + cause, "run: " + account.loginCommand());
    }

    /** The refusal came right after a refresh whose answer was lost: that refresh most likely spent the token. */
    static ReauthorizationRequired afterLostAnswer(ReauthorizationRequired e, Account account) {
        return new ReauthorizationRequired(account.name(), e.reason() + "; most likely because the answer to the refresh "
                + "just before was lost in transit after the provider had rotated the refresh token (a network or "
                + "token-endpoint fault, not a revocation)", "run: " + account.loginCommand());
    }

    /**
     * The refusal came after an earlier refresh that never finished (its process was killed, or its save failed,
     * after the request may have reached the provider): that refresh most likely spent the token.
     */
    static ReauthorizationRequired afterUnfinishedRefresh(ReauthorizationRequired e, Account account) {
        return new ReauthorizationRequired(account.name(), e.reason() + "; most likely because an earlier refresh of this "
                + "account did not finish (the process was stopped, or the new tokens could not be saved) after the "
                + "provider had rotated the refresh token", "run: " + account.loginCommand());
    }
}
