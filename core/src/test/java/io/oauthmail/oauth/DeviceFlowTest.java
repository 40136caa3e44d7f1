package io.oauthmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Providers;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.FakeTime;
import io.oauthmail.testing.LocalTokenServer;
import io.oauthmail.testing.Mailboxes;
import io.oauthmail.testing.SandboxAccounts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The device flow against the sandbox's RFC 8628 grant, with a fake clock shared by client and sandbox. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceFlowTest {

    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
    private static final String ALICE = "alice@sandbox.test";

    private final FakeTime time = new FakeTime(Instant.parse("2030-01-01T00:00:00Z"));
    private Sandbox sandbox;
    private Account alice;

    @BeforeAll
    void start() {
        sandbox = Sandbox.builder().clock(time).deviceCodeInterval(Duration.ofSeconds(1))
                .deviceCodeLifetime(Duration.ofSeconds(10)).start();
        alice = withDeviceEndpoint(SandboxAccounts.account(sandbox, ALICE), sandbox.deviceAuthorizationEndpoint());
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private static Account withDeviceEndpoint(Account account, java.net.URI device) {
        OAuthEndpoints e = account.provider().endpoints();
        return account.withProvider(account.provider().withEndpoints(
                new OAuthEndpoints(e.authorization(), e.token(), device, e.revocation(), e.userInfo())));
    }

    private DeviceFlow flow(Account account, io.oauthmail.oauth.Sleeper sleeper, Duration timeout) {
        return new DeviceFlow(account, time, sleeper, timeout);
    }

    private void approve(DeviceFlow.Prompt prompt) {
        assertThat(sandbox.browser().approveDevice(prompt.verificationUri(), prompt.userCode(), ALICE).finalStatus())
                .isEqualTo(200);
    }

    @Test
    void anApprovedCodeGivesTokensThatRefreshAndOpenTheMailbox(@TempDir Path dir) {
        FakeTime.Sleeper sleeper = time.sleeper(n -> { });
        Authorization result = flow(alice, sleeper, Duration.ofMinutes(5)).authorize(prompt -> {
            assertThat(prompt.userCode()).matches("[A-Z]{4}-[A-Z]{4}");
            assertThat(prompt.verificationUri()).isEqualTo(sandbox.deviceVerificationUri());
            assertThat(prompt.complete()).hasValueSatisfying(uri -> assertThat(uri.getQuery()).contains("user_code="));
            assertThat(prompt.expiresIn()).isEqualTo(Duration.ofSeconds(10));
            approve(prompt);
        });

        assertThat(result.email()).isEqualTo(ALICE);
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(1));
        TokenSet tokens = result.tokens();
        assertThat(tokens.refresh()).isPresent();
        assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken());

        TokenEndpoint endpoint = new TokenEndpoint(alice, Clock.systemUTC(), Duration.ofSeconds(10));
        TokenSet refreshed = endpoint.refresh(tokens);
        assertThat(refreshed.refreshToken()).isNotEqualTo(tokens.refreshToken());
        assertThat(Mailboxes.inbox(alice, refreshed, dir)).isNotNull();
        // Presenting the rotated-out token again is reuse: refused, and (as at Keycloak) the whole session ends.
        assertThatThrownBy(() -> endpoint.refresh(tokens)).as("the rotated-out refresh token is refused")
                .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("reuse");
        assertThatThrownBy(() -> endpoint.refresh(refreshed)).as("and the session it belonged to has ended")
                .isInstanceOf(ReauthorizationRequired.class);
    }

    @Test
    void keepsPollingWhilePendingUntilApproved() {
        AtomicReference<DeviceFlow.Prompt> shown = new AtomicReference<>();
        FakeTime.Sleeper sleeper = time.sleeper(n -> {
            if (n == 3) {
                approve(shown.get());
            }
        });
        int pollsBefore = sandbox.tokenRequests(DEVICE_GRANT);

        Authorization result = flow(alice, sleeper, Duration.ofMinutes(5)).authorize(shown::set);

        assertThat(result.tokens().accessToken()).isNotBlank();
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(sandbox.tokenRequests(DEVICE_GRANT) - pollsBefore).as("two pending answers, then the tokens").isEqualTo(3);
    }

    @Test
    void slowDownAddsFiveSecondsToTheInterval() {
        FakeTime.Sleeper sleeper = time.wakingEarlyOnce(n -> { });
        int pollsBefore = sandbox.tokenRequests(DEVICE_GRANT);

        Authorization result = flow(alice, sleeper, Duration.ofMinutes(5)).authorize(this::approve);

        assertThat(result.tokens().accessToken()).isNotBlank();
        // The first poll came after half a second: slow_down. The next waits 1 + 5 s and gets the tokens.
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(6));
        assertThat(sandbox.tokenRequests(DEVICE_GRANT) - pollsBefore).isEqualTo(2);
    }

    @Test
    void aCodeNobodyApprovesExpires() {
        FakeTime.Sleeper sleeper = time.sleeper(n -> { });
        assertThatThrownBy(() -> flow(alice, sleeper, Duration.ofMinutes(5)).authorize(prompt -> { }))
                .isInstanceOf(AuthorizationFailed.class).hasMessageContaining("expired before it was approved")
                .satisfies(e -> assertThat(((AuthorizationFailed) e).hint()).hasValueSatisfying(
                        hint -> assertThat(hint).contains("oauthmail login alice@sandbox.test")));
        assertThat(sleeper.sleeps()).hasSize(10);
    }

    @Test
    void theCallersTimeoutEndsTheWait() {
        FakeTime.Sleeper sleeper = time.sleeper(n -> { });
        assertThatThrownBy(() -> flow(alice, sleeper, Duration.ofSeconds(3)).authorize(prompt -> { }))
                .isInstanceOf(AuthorizationFailed.class).hasMessageContaining("not approved within 3 s");
        assertThat(sleeper.sleeps()).hasSize(3);
    }

    @Test
    void aDeniedCodeSaysSo() {
        FakeTime.Sleeper sleeper = time.sleeper(n -> { });
        assertThatThrownBy(() -> flow(alice, sleeper, Duration.ofMinutes(5)).authorize(prompt ->
                sandbox.browser().denyDevice(prompt.complete().orElseThrow(), prompt.userCode())))
                .isInstanceOf(AuthorizationFailed.class).hasMessageContaining("denied");
        assertThat(sleeper.sleeps()).hasSize(1);
    }

    @Test
    void googleMailScopesAreRefusedBeforeAnyRequest() {
        try (LocalTokenServer google = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(400, "invalid_scope"))) {
            Account gmail = withDeviceEndpoint(new Account("me@gmail.com", "me@gmail.com", Providers.google(),
                    "123.apps.googleusercontent.com", null, null, null), google.uri());
            AtomicReference<DeviceFlow.Prompt> shown = new AtomicReference<>();
            assertThatThrownBy(() -> flow(gmail, time.sleeper(n -> { }), Duration.ofMinutes(5)).authorize(shown::set))
                    .isInstanceOf(AuthorizationFailed.class).hasMessageContaining("https://mail.google.com/")
                    .satisfies(e -> assertThat(((AuthorizationFailed) e).hint()).hasValueSatisfying(
                            hint -> assertThat(hint).contains("--flow paste").contains("oauthmail login me@gmail.com")));
            assertThat(google.forms()).isEmpty();
            assertThat(shown.get()).isNull();
        }
    }

    @Test
    void aProviderWithoutDeviceEndpointIsAClearError() {
        Account plain = SandboxAccounts.account(sandbox, ALICE);
        assertThatThrownBy(() -> flow(plain, time.sleeper(n -> { }), Duration.ofMinutes(5)).authorize(prompt -> { }))
                .isInstanceOf(AuthorizationFailed.class).hasMessageContaining("no device authorization endpoint");
    }

    /**
     * A login has no refresh token to keep: a busy provider is temporary with a hint to log in again, and an OAuth
     * error (Keycloak's 400 for a missing PKCE parameter, an unknown client) fails the login for good.
     */
    @Test
    void providerErrorsFailTheLoginWithoutTalkOfAKeptRefreshToken() {
        try (LocalTokenServer down = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(503, "temporarily_unavailable"));
                LocalTokenServer keycloak = LocalTokenServer.start(form -> new LocalTokenServer.Reply(400,
                        "{\"error\":\"invalid_request\",\"error_description\":\"Missing parameter: code_challenge_method\"}"));
                LocalTokenServer refusing = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(401, "invalid_client"))) {
            assertThatThrownBy(() -> flow(withDeviceEndpoint(alice, down.uri()), time.sleeper(n -> { }),
                    Duration.ofMinutes(5)).authorize(prompt -> { })).isInstanceOf(TemporaryFailure.class)
                    .hasMessageContaining("HTTP 503").satisfies(e -> assertThat(((TemporaryFailure) e).hint()).hasValueSatisfying(
                            hint -> assertThat(hint).contains("oauthmail login alice@sandbox.test --flow device")
                                    .doesNotContain("refresh token")));
            assertThatThrownBy(() -> flow(withDeviceEndpoint(alice, keycloak.uri()), time.sleeper(n -> { }),
                    Duration.ofMinutes(5)).authorize(prompt -> { })).isInstanceOf(AuthorizationFailed.class)
                    .hasMessageContaining("refused the login (invalid_request: Missing parameter: code_challenge_method, HTTP 400)")
                    .satisfies(e -> assertThat(((AuthorizationFailed) e).hint()).hasValueSatisfying(
                            hint -> assertThat(hint).doesNotContain("refresh token").contains("--flow device")));
            assertThatThrownBy(() -> flow(withDeviceEndpoint(alice, refusing.uri()), time.sleeper(n -> { }),
                    Duration.ofMinutes(5)).authorize(prompt -> { })).isInstanceOf(AuthorizationFailed.class)
                    .hasMessageContaining("invalid_client");
            assertThat(refusing.forms()).singleElement().satisfies(form ->
                    assertThat(form).containsEntry("client_id", Sandbox.CLIENT_ID).containsKey("scope"));
        }
    }

    /** PKCE on the device grant, as Keycloak demands for a client that requires it: S256 challenge, then the verifier. */
    @Test
    void sendsPkceSoAClientThatRequiresItLogsIn() {
        try (LocalTokenServer recording = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(400, "invalid_request"))) {
            assertThatThrownBy(() -> flow(withDeviceEndpoint(alice, recording.uri()), time.sleeper(n -> { }),
                    Duration.ofMinutes(5)).authorize(prompt -> { })).isInstanceOf(AuthorizationFailed.class);
            assertThat(recording.forms()).singleElement().satisfies(form -> assertThat(form)
                    .containsEntry("code_challenge_method", "S256").hasEntrySatisfying("code_challenge",
                            challenge -> assertThat(challenge).matches("[A-Za-z0-9_-]{43}")));
        }
        Account strict = new Account(alice.name(), alice.email(), alice.provider(), "mail-cli-pkce", null, alice.scopes(), alice.caFile());
        int pollsBefore = sandbox.tokenRequests(DEVICE_GRANT);
        Authorization result = flow(strict, time.sleeper(n -> { }), Duration.ofMinutes(5)).authorize(this::approve);
        assertThat(result.tokens().refresh()).isPresent();
        assertThat(sandbox.tokenRequests(DEVICE_GRANT) - pollsBefore).as("the first poll, with the verifier, got the tokens")
                .isEqualTo(1);
    }
}
