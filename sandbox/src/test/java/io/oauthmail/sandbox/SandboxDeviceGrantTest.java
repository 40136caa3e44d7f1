package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The sandbox's RFC 8628 device grant over raw HTTP, with a clock the test moves. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxDeviceGrantTest {

    private static final ClientID CLIENT = new ClientID(Sandbox.CLIENT_ID);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    private Sandbox sandbox;

    @BeforeAll
    void start() {
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        sandbox = Sandbox.builder().clock(clock).deviceCodeInterval(Duration.ofSeconds(2))
                .deviceCodeLifetime(Duration.ofSeconds(30)).start();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private void advance(long seconds) {
        now.updateAndGet(t -> t.plusSeconds(seconds));
    }

    private DeviceAuthorizationSuccessResponse authorizeDevice(ClientID client) throws Exception {
        HTTPResponse http = new DeviceAuthorizationRequest(sandbox.deviceAuthorizationEndpoint(), client,
                new Scope("openid", "email", Sandbox.MAIL_SCOPE)).toHTTPRequest().send();
        assertThat(http.getStatusCode()).isEqualTo(200);
        assertThat(http.getCacheControl()).isEqualTo("no-store");
        return DeviceAuthorizationResponse.parse(http).toSuccessResponse();
    }

    private TokenResponse poll(DeviceAuthorizationSuccessResponse device, ClientID client) throws Exception {
        return OIDCTokenResponseParser.parse(new TokenRequest(sandbox.tokenEndpoint(), client,
                new DeviceCodeGrant(device.getDeviceCode()), null).toHTTPRequest().send());
    }

    private static ErrorObject error(TokenResponse response) {
        assertThat(response.indicatesSuccess()).as("an error response").isFalse();
        return ((TokenErrorResponse) response).getErrorObject();
    }

    @Test
    void answersAsRfc8628SaysAndGivesTokensThatRefresh() throws Exception {
        DeviceAuthorizationSuccessResponse device = authorizeDevice(CLIENT);
        assertThat(device.getInterval()).isEqualTo(2);
        assertThat(device.getLifetime()).isEqualTo(30);
        assertThat(device.getUserCode().getValue()).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(device.getVerificationURI()).isEqualTo(sandbox.deviceVerificationUri());
        assertThat(device.getVerificationURIComplete().getQuery()).isEqualTo("user_code=" + device.getUserCode());

        advance(1);
        assertThat(error(poll(device, CLIENT)).getCode()).isEqualTo("slow_down");
        advance(7);   // the interval is now 2 + 5 s
        assertThat(error(poll(device, CLIENT)).getCode()).isEqualTo("authorization_pending");
        assertThat(error(poll(device, new ClientID("another-client"))).getCode()).isEqualTo("invalid_grant");

        String typedCarelessly = device.getUserCode().getValue().toLowerCase().replace("-", "");
        assertThat(sandbox.browser().approveDevice(device.getVerificationURI(), typedCarelessly, "bob@sandbox.test")
                .finalPage()).contains("Device connected");
        assertThat(sandbox.browser().approveDevice(device.getVerificationURIComplete(), device.getUserCode().getValue(),
                "bob@sandbox.test").finalStatus()).isEqualTo(400);

        advance(7);
        TokenResponse granted = poll(device, CLIENT);
        assertThat(granted.indicatesSuccess()).isTrue();
        Tokens tokens = granted.toSuccessResponse().getTokens();
        assertThat(tokens.getRefreshToken()).isNotNull();
        advance(7);
        assertThat(error(poll(device, CLIENT)).getCode()).as("a device code is used once").isEqualTo("invalid_grant");

        TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(sandbox.tokenEndpoint(), CLIENT,
                new RefreshTokenGrant(tokens.getRefreshToken()), null).toHTTPRequest().send());
        assertThat(refreshed.indicatesSuccess()).isTrue();
        assertThat(refreshed.toSuccessResponse().getTokens().getRefreshToken()).isNotEqualTo(tokens.getRefreshToken());
    }

    @Test
    void deniedAndExpiredCodes() throws Exception {
        DeviceAuthorizationSuccessResponse denied = authorizeDevice(CLIENT);
        assertThat(sandbox.browser().denyDevice(denied.getVerificationURIComplete(), denied.getUserCode().getValue())
                .finalPage()).contains("Access denied");
        advance(2);
        assertThat(error(poll(denied, CLIENT)).getCode()).isEqualTo("access_denied");

        DeviceAuthorizationSuccessResponse expired = authorizeDevice(CLIENT);
        advance(30);
        assertThat(error(poll(expired, CLIENT)).getCode()).isEqualTo("expired_token");
        assertThat(sandbox.browser().approveDevice(expired.getVerificationURI(), expired.getUserCode().getValue(),
                "alice@sandbox.test").finalPage()).contains("Code expired");
    }

    @Test
    void aDeviceRequestWithoutClientIsRefused() throws Exception {
        HTTPResponse http = new com.nimbusds.oauth2.sdk.http.HTTPRequest(com.nimbusds.oauth2.sdk.http.HTTPRequest.Method.POST,
                sandbox.deviceAuthorizationEndpoint()).send();
        assertThat(http.getStatusCode()).isEqualTo(400);
        assertThat(http.getBody()).contains("invalid_request");
    }

    /** Like Keycloak for a client that enforces PKCE: the device request needs S256, every poll the verifier. */
    @Test
    void aClientThatRequiresPkceIsRefusedWithoutItAndPollsAreChecked() throws Exception {
        ClientID strict = new ClientID("mail-cli" + DeviceGrants.PKCE_REQUIRED_SUFFIX);
        HTTPResponse without = new DeviceAuthorizationRequest(sandbox.deviceAuthorizationEndpoint(), strict,
                new Scope("openid")).toHTTPRequest().send();
        assertThat(without.getStatusCode()).isEqualTo(400);
        assertThat(without.getBody()).contains("invalid_request").contains("Missing parameter: code_challenge_method");

        CodeVerifier verifier = new CodeVerifier();
        HTTPResponse http = new DeviceAuthorizationRequest.Builder(strict).endpointURI(sandbox.deviceAuthorizationEndpoint())
                .scope(new Scope("openid", "email")).customParameter("code_challenge_method", "S256")
                .customParameter("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256,
                        verifier).getValue()).build().toHTTPRequest().send();
        assertThat(http.getStatusCode()).as(http.getBody()).isEqualTo(200);
        DeviceAuthorizationSuccessResponse device = DeviceAuthorizationResponse.parse(http).toSuccessResponse();
        sandbox.browser().approveDevice(device.getVerificationURI(), device.getUserCode().getValue(), "alice@sandbox.test");
        advance(3);
        assertThat(error(poll(device, strict)).getDescription()).contains("PKCE code verifier not specified");
        advance(3);
        TokenResponse granted = OIDCTokenResponseParser.parse(new TokenRequest.Builder(sandbox.tokenEndpoint(), strict,
                new DeviceCodeGrant(device.getDeviceCode())).customParameter("code_verifier", verifier.getValue()).build()
                .toHTTPRequest().send());
        assertThat(granted.indicatesSuccess()).isTrue();
    }
}
