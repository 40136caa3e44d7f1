package io.oauthmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.sandbox.SandboxBrowser;
import io.oauthmail.testing.SandboxAccounts;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoopbackFlowTest {

    private static Sandbox sandbox;
    private static Account alice;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
        Account configured = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        // The address is not configured: the flow must learn it from the ID token.
        alice = new Account("alice", null, configured.provider(), configured.clientId(), null, null, configured.caFile());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static LoopbackFlow flow(Duration timeout) {
        return new LoopbackFlow(alice, Clock.systemUTC(), timeout);
    }

    @Test
    void authorizesWithPkceAndStateAndLearnsTheAddress() {
        try (LoopbackFlow.Pending login = flow(Duration.ofSeconds(20)).begin(0)) {
            URI url = login.authorizationUrl();
            assertThat(url.getQuery()).contains("code_challenge_method=S256").contains("state=")
                    .contains("redirect_uri=http://127.0.0.1:");
            SandboxBrowser.Visit visit = sandbox.browser().approve(url, "alice@sandbox.test");
            assertThat(visit.finalStatus()).isEqualTo(200);
            assertThat(visit.finalPage()).contains("oauthmail is authorized");

            Authorization result = login.await();
            assertThat(result.email()).isEqualTo("alice@sandbox.test");
            assertThat(result.tokens().refresh()).isPresent();
            assertThat(result.tokens().expiresAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
            assertThat(result.tokens().toString()).doesNotContain(result.tokens().accessToken());
        }
    }

    @Test
    void aRedirectWithAnotherStateIsRefusedAndNothingIsExchanged() {
        int codeExchangesBefore = sandbox.tokenRequests("authorization_code");
        try (LoopbackFlow.Pending login = flow(Duration.ofSeconds(20)).begin(0)) {
            URI forged = URI.create(login.redirectUri() + "?code=stolen&state=not-ours");
            sandbox.browser().open(forged);
            assertThatThrownBy(login::await).isInstanceOf(AuthorizationFailed.class)
                    .hasMessageContaining("state").hasMessageContaining("alice");
        }
        assertThat(sandbox.tokenRequests("authorization_code")).isEqualTo(codeExchangesBefore);
    }

    @Test
    void aReplayedRedirectIsIgnored() {
        try (LoopbackFlow.Pending login = flow(Duration.ofSeconds(20)).begin(0)) {
            URI back = sandbox.browser().login(login.authorizationUrl(), "alice@sandbox.test");
            assertThat(sandbox.browser().open(back).finalStatus()).isEqualTo(200);
            assertThat(sandbox.browser().open(back).finalStatus()).isEqualTo(409);
            assertThat(login.await().tokens().accessToken()).isNotBlank();
        }
    }

    @Test
    void aDeclinedConsentSaysSoAndHowToRetry() {
        try (LoopbackFlow.Pending login = flow(Duration.ofSeconds(20)).begin(0)) {
            String state = SandboxBrowserQuery.state(login.authorizationUrl());
            sandbox.browser().open(URI.create(login.redirectUri() + "?error=access_denied&state=" + state));
            assertThatThrownBy(login::await).isInstanceOf(AuthorizationFailed.class)
                    .hasMessageContaining("access_denied")
                    .satisfies(e -> assertThat(((AuthorizationFailed) e).hint()).hasValueSatisfying(
                            hint -> assertThat(hint).contains("oauthmail login alice")));
        }
    }

    @Test
    void noAnswerFromTheBrowserTimesOut() {
        try (LoopbackFlow.Pending login = flow(Duration.ofMillis(300)).begin(0)) {
            assertThatThrownBy(login::await).isInstanceOf(AuthorizationFailed.class).hasMessageContaining("within");
        }
    }

    /** Reads the state parameter the flow put in its authorization URL. */
    private static final class SandboxBrowserQuery {
        static String state(URI url) {
            for (String pair : url.getRawQuery().split("&")) {
                if (pair.startsWith("state=")) {
                    return pair.substring("state=".length());
                }
            }
            throw new AssertionError("no state in " + url);
        }
    }
}
