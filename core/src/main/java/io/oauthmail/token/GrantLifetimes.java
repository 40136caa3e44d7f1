package io.oauthmail.token;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Quirk;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a grant lives where a provider ends it on its own, and when the user is warned: one place for the
 * status shown by {@code accounts list}, the daemon's warnings and the cause named when a refresh is refused.
 * Google ends the refresh tokens of apps in "Testing" status 7 days after issue; Microsoft drops a refresh token
 * unused for 90 days (AADSTS700082).
 */
public final class GrantLifetimes {

    /** Google, apps in "Testing" publishing status: the refresh token's life from its issue. */
    public static final Duration TESTING_APP = Duration.ofDays(7);
    /** Warned from here until {@link #TESTING_APP}; a token older than that still working means a published app. */
    public static final Duration TESTING_APP_WARNING = Duration.ofDays(6);
    /** Microsoft: a refresh token unused this long is dropped. */
    public static final Duration UNUSED = Duration.ofDays(90);
    /** Warned from here: ten days to use the account or fix what makes its refresh fail. */
    public static final Duration UNUSED_WARNING = Duration.ofDays(80);

    private GrantLifetimes() {
    }

    /** The warning for a refresh token issued {@code age} ago, if this account's provider ends it soon. */
    public static Optional<String> testingAppWarning(Account account, Duration age) {
        if (age == null || !account.provider().has(Quirk.TESTING_APPS_EXPIRE_AFTER_7_DAYS)
                || age.compareTo(TESTING_APP_WARNING) < 0 || age.compareTo(TESTING_APP) >= 0) {
            return Optional.empty();
        }
        return Optional.of("the refresh token is " + age.toDays() + " days old: if the Google app is in \"Testing\" status"
                + " it dies at 7 days; publish the app, then run " + account.loginCommand());
    }

    /** The warning for a refresh token last used {@code sinceUse} ago, if this account's provider drops unused ones. */
    public static Optional<String> unusedWarning(Account account, Duration sinceUse) {
        if (sinceUse == null || !account.provider().has(Quirk.REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED)
                || sinceUse.compareTo(UNUSED_WARNING) < 0) {
            return Optional.empty();
        }
        long days = sinceUse.toDays();
        return Optional.of("the refresh token was last used " + days + " days ago and Microsoft drops it after 90 days"
                + " unused (about " + Math.max(0, 90 - days) + " days left): use the account (oauthmail refresh "
                + account.name() + ") or fix what makes its refresh fail, else run " + account.loginCommand());
    }
}
