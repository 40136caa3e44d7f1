package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.config.RelaySettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.Providers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which earlier leases a daemon starting after a crash may end itself: its own host's, of processes that are gone. */
class RelayServiceTest {

    @Test
    void onlyAGoneProcessOfThisHostCountsAsDead() throws Exception {
        String host = RelayService.hostPart();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThat(RelayService.deadProcessOfThisHost(host + "-" + gone.pid())).isTrue();
        assertThat(RelayService.deadProcessOfThisHost(host + "-" + ProcessHandle.current().pid())).as("itself").isFalse();
        assertThat(RelayService.deadProcessOfThisHost(host + "-1")).as("a process that runs (init)").isFalse();
        assertThat(RelayService.deadProcessOfThisHost("another-host.example-" + gone.pid())).isFalse();
        assertThat(RelayService.deadProcessOfThisHost(host + "-not-a-pid")).isFalse();
    }

    @Test
    void aViaThatDoesNotFitTheAccountsProviderStopsTheRelayBeforeAnyMailIsTaken() {
        Map<String, Account> accounts = Map.of(
                "me@gmail.com", new Account("me@gmail.com", "me@gmail.com", Providers.google(), "id", null, List.of(), null),
                "work", new Account("work", "me@contoso.com", Providers.microsoft("contoso.com"), "id", null, List.of(), null));
        RelaySettings fits = new RelaySettings(Optional.empty(), 0, 0, Duration.ofDays(5), 1,
                Map.of("me@gmail.com", "gmail-api", "work", "graph", "later", "graph"));
        RelayService.checkRoutes(fits, name -> Optional.ofNullable(accounts.get(name)));

        RelaySettings wrong = new RelaySettings(Optional.empty(), 0, 0, Duration.ofDays(5), 1, Map.of("me@gmail.com", "graph"));
        assertThatThrownBy(() -> RelayService.checkRoutes(wrong, name -> Optional.ofNullable(accounts.get(name))))
                .isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("account me@gmail.com is not a Microsoft account, so it cannot send through graph")
                .satisfies(e -> assertThat(((OAuthMailException) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("smtp")));
    }
}
