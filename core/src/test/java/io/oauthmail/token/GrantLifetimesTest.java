package io.oauthmail.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Providers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One set of thresholds for accounts list, the daemon and the cause of a refused refresh. */
class GrantLifetimesTest {

    private static final Account GOOGLE = Account.builder("me@gmail.com", Providers.google()).clientId("id").build();
    private static final Account MICROSOFT = Account.builder("me@outlook.com", Providers.microsoft("common")).clientId("id").build();

    @Test
    void aGoogleTestingAppIsWarnedOnItsSeventhDayOnly() {
        assertThat(GrantLifetimes.testingAppWarning(GOOGLE, Duration.ofDays(5).plusHours(23))).isEmpty();
        assertThat(GrantLifetimes.testingAppWarning(GOOGLE, Duration.ofDays(6))).hasValueSatisfying(w ->
                assertThat(w).contains("6 days old").contains("\"Testing\"").contains("oauthmail login me@gmail.com"));
        assertThat(GrantLifetimes.testingAppWarning(GOOGLE, Duration.ofDays(7)))
                .as("still working after 7 days: a published app, no noise").isEmpty();
        assertThat(GrantLifetimes.testingAppWarning(MICROSOFT, Duration.ofDays(6))).isEmpty();
    }

    @Test
    void aMicrosoftRefreshTokenUnusedForEightyDaysIsWarnedWithTheDaysLeft() {
        assertThat(GrantLifetimes.unusedWarning(MICROSOFT, Duration.ofDays(79))).isEmpty();
        assertThat(GrantLifetimes.unusedWarning(MICROSOFT, Duration.ofDays(84))).hasValueSatisfying(w ->
                assertThat(w).contains("last used 84 days ago").contains("about 6 days left")
                        .contains("oauthmail refresh me@outlook.com"));
        assertThat(GrantLifetimes.unusedWarning(GOOGLE, Duration.ofDays(84))).isEmpty();
        assertThat(GrantLifetimes.unusedWarning(MICROSOFT, null)).isEmpty();
    }
}
