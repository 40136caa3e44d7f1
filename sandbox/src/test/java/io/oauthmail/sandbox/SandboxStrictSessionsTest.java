package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.SignedJWT;
import io.oauthmail.sandbox.SandboxClient.Tokens;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Sessions as strict as Keycloak's: rotation, reuse that ends the session, sessions ended at the IdP, lifetimes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxStrictSessionsTest {

    private static final String ALICE = "alice@sandbox.test";
    private static final String BOB = "bob@sandbox.test";

    private Sandbox sandbox;
    private SandboxClient client;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        client = new SandboxClient(sandbox);
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    @Test
    void eachRefreshRotatesAndTheNewTokensWork() throws Exception {
        Tokens login = client.login(ALICE);
        Tokens first = client.refresh(login.refreshToken());
        Tokens second = client.refresh(first.refreshToken());

        assertThat(second.status()).isEqualTo(200);
        assertThat(first.refreshToken()).isNotEqualTo(login.refreshToken());
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(client.imapsAccepts(ALICE, second.accessToken())).isTrue();
        assertThat(client.imapsAccepts(ALICE, login.accessToken())).as("older access tokens live on").isTrue();
    }

    @Test
    void aReusedRefreshTokenEndsTheWholeSession() throws Exception {
        Tokens login = client.login(ALICE);
        Tokens current = client.refresh(login.refreshToken());
        assertThat(client.imapsAccepts(ALICE, current.accessToken())).isTrue();
        Tokens otherSession = client.login(ALICE);

        Tokens reuse = client.refresh(login.refreshToken());

        assertThat(reuse.status()).isEqualTo(400);
        assertThat(reuse.error()).isEqualTo("invalid_grant");
        assertThat(reuse.errorDescription()).isEqualTo("Maximum allowed refresh token reuse exceeded");
        Tokens afterwards = client.refresh(current.refreshToken());
        assertThat(afterwards.status()).as("the session's current refresh token").isEqualTo(400);
        assertThat(afterwards.error()).isEqualTo("invalid_grant");
        assertThat(afterwards.errorDescription()).isEqualTo("Maximum allowed refresh token reuse exceeded");
        for (String token : new String[] {login.accessToken(), current.accessToken()}) {
            assertThat(client.imapsAccepts(ALICE, token)).as("IMAPS, an access token of the ended session").isFalse();
            assertThat(client.submissionAccepts(ALICE, token)).as("submission, same token").isFalse();
        }
        assertThat(client.imapsAccepts(ALICE, otherSession.accessToken())).as("another session of alice").isTrue();
        assertThat(client.refresh(otherSession.refreshToken()).status()).isEqualTo(200);
    }

    @Test
    void endSessionsEndsEverySessionOfOneUser() throws Exception {
        Tokens first = client.login(BOB);
        Tokens second = client.refresh(client.login(BOB).refreshToken());
        Tokens alices = client.login(ALICE);

        assertThat(sandbox.endSessions("BOB@sandbox.test")).isEqualTo(2);

        for (Tokens bobs : new Tokens[] {first, second}) {
            Tokens refused = client.refresh(bobs.refreshToken());
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("invalid_grant");
            assertThat(refused.errorDescription()).isEqualTo("Session not active");
            assertThat(client.imapsAccepts(BOB, bobs.accessToken())).isFalse();
            assertThat(client.submissionAccepts(BOB, bobs.accessToken())).isFalse();
        }
        assertThat(client.imapsAccepts(ALICE, alices.accessToken())).isTrue();
        Tokens fresh = client.login(BOB);
        assertThat(client.imapsAccepts(BOB, fresh.accessToken())).as("a new login is a new session").isTrue();
    }

    @Test
    void revokingARefreshTokenEndsItsSession() throws Exception {
        Tokens login = client.login(ALICE);
        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        sandbox.revocationEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + login.refreshToken()
                        + "&token_type_hint=refresh_token&client_id="
                        + Sandbox.CLIENT_ID)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(client.refresh(login.refreshToken()).error()).isEqualTo("invalid_grant");
        assertThat(client.imapsAccepts(ALICE, login.accessToken())).isFalse();
    }

    @Test
    void theLenientModeForgivesTheSession() throws Exception {
        try (Sandbox lenient = Sandbox.builder().refreshTokenReuse(RefreshTokenReuse.REFUSES_TOKEN_ONLY).start()) {
            SandboxClient lenientClient = new SandboxClient(lenient);
            Tokens login = lenientClient.login(ALICE);
            Tokens current = lenientClient.refresh(login.refreshToken());

            assertThat(lenientClient.refresh(login.refreshToken()).error()).isEqualTo("invalid_grant");
            assertThat(lenientClient.imapsAccepts(ALICE, current.accessToken())).isTrue();
            assertThat(lenientClient.refresh(current.refreshToken()).status()).isEqualTo(200);
        }
    }

    @Test
    void accessTokenLifetimesShowInExpiresIn() throws Exception {
        try (Sandbox shortLived = Sandbox.builder().accessTokenLifetime(Duration.ofSeconds(60)).start()) {
            SandboxClient shortClient = new SandboxClient(shortLived);
            Tokens login = shortClient.login(ALICE);
            assertThat(login.expiresIn()).isEqualTo(60);
            assertThat(lifetime(login.accessToken())).isEqualTo(60);

            shortLived.setAccessTokenLifetime(Duration.ofSeconds(300));
            Tokens refreshed = shortClient.refresh(login.refreshToken());
            assertThat(refreshed.expiresIn()).isEqualTo(300);
            assertThat(lifetime(refreshed.accessToken())).isEqualTo(300);
        }
        assertThat(client.login(ALICE).expiresIn()).as("the default, an hour").isEqualTo(3600);
    }

    @Test
    void discoveryTokensAndEndpointsNameTheSameIssuer() throws Exception {
        HttpResponse<String> discovery = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(sandbox.discoveryUri()).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> metadata = JSONObjectUtils.parse(discovery.body());

        assertThat(metadata.get("issuer")).isEqualTo(sandbox.issuer().toString());
        assertThat(metadata.get("token_endpoint")).isEqualTo(sandbox.tokenEndpoint().toString());
        assertThat(metadata.get("authorization_endpoint")).isEqualTo(sandbox.authorizationEndpoint().toString());
        assertThat(metadata.get("jwks_uri")).isEqualTo(sandbox.jwksUri().toString());
        assertThat(metadata.get("revocation_endpoint")).isEqualTo(sandbox.revocationEndpoint().toString());
        assertThat(SignedJWT.parse(client.login(ALICE).accessToken()).getJWTClaimsSet().getIssuer())
                .isEqualTo(sandbox.issuer().toString());
        assertThat(SignedJWT.parse(sandbox.issueAccessToken(ALICE, Sandbox.MAIL_SCOPE, Duration.ofMinutes(1)))
                .getJWTClaimsSet().getIssuer()).isEqualTo(sandbox.issuer().toString());
    }

    private static long lifetime(String accessToken) throws Exception {
        var claims = SignedJWT.parse(accessToken).getJWTClaimsSet();
        return (claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()) / 1000;
    }
}
