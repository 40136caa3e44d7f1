package io.oauthmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTParser;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.LocalTokenServer;
import io.oauthmail.testing.SandboxAccounts;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** App-only tokens with the client credentials grant, as Microsoft offers them for IMAP, POP and SMTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCredentialsFlowTest {

    private static final String APP = "mail-daemon-app";
    private static final String SECRET = "not-a-real-secret-but-secret-here";
    private static final String SCOPE = "https://outlook.office365.com/.default";

    private Sandbox sandbox;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private Account app(URI tokenEndpoint, String secret) {
        Account base = SandboxAccounts.account(sandbox, "shared@sandbox.test");
        OAuthEndpoints e = base.provider().endpoints();
        return new Account("daemon", "shared@sandbox.test", base.provider().withEndpoints(new OAuthEndpoints(
                e.authorization(), tokenEndpoint, null, null, null)), APP, secret, List.of(SCOPE), null);
    }

    private static ClientCredentialsFlow flow(Account account) {
        return new ClientCredentialsFlow(account, Clock.systemUTC(), Duration.ofSeconds(10));
    }

    @Test
    void obtainsAnAppOnlyTokenWithoutRefreshToken() throws Exception {
        int before = sandbox.tokenRequests("client_credentials");

        TokenSet tokens = flow(app(sandbox.tokenEndpoint(), SECRET)).obtain();

        assertThat(tokens.refresh()).isEmpty();
        assertThat(tokens.expiresAt()).isAfter(Instant.now().plusSeconds(3000));
        assertThat(tokens.scopes()).containsExactly(SCOPE);
        // Without a person, the application itself is the subject.
        assertThat(JWTParser.parse(tokens.accessToken()).getJWTClaimsSet().getSubject()).isEqualTo(APP);
        assertThat(tokens.toString()).doesNotContain(tokens.accessToken());
        assertThat(sandbox.tokenRequests("client_credentials") - before).isEqualTo(1);
    }

    @Test
    void sendsTheSecretInTheFormAndDropsARefreshTokenTheServerShouldNotHaveSent() {
        try (LocalTokenServer server = LocalTokenServer.start(form -> new LocalTokenServer.Reply(200,
                "{\"access_token\":\"app-token\",\"token_type\":\"Bearer\",\"expires_in\":3599,\"refresh_token\":\"r\"}"))) {
            TokenSet tokens = flow(app(server.uri(), SECRET)).obtain();
            assertThat(tokens.accessToken()).isEqualTo("app-token");
            assertThat(tokens.refresh()).isEmpty();
            assertThat(server.forms()).singleElement().satisfies(form -> assertThat(form)
                    .containsEntry("grant_type", "client_credentials").containsEntry("client_id", APP)
                    .containsEntry("client_secret", SECRET).containsEntry("scope", SCOPE));
        }
    }

    @Test
    void aRefusedClientNeedsItsCredentialsFixedAndTheMessageKeepsTheSecret() {
        try (LocalTokenServer server = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(401, "invalid_client"))) {
            assertThatThrownBy(() -> flow(app(server.uri(), SECRET)).obtain())
                    .isInstanceOf(ReauthorizationRequired.class).hasMessageContaining("invalid_client")
                    .hasMessageNotContaining(SECRET)
                    .satisfies(e -> assertThat(((ReauthorizationRequired) e).hint()).hasValueSatisfying(
                            hint -> assertThat(hint).contains(APP).doesNotContain(SECRET)));
        }
    }

    @Test
    void aBusyServerIsTemporary() {
        try (LocalTokenServer server = LocalTokenServer.start(form -> LocalTokenServer.Reply.error(429, "too_many"))) {
            assertThatThrownBy(() -> flow(app(server.uri(), SECRET)).obtain()).isInstanceOf(TemporaryFailure.class)
                    .hasMessageContaining("HTTP 429");
        }
    }

    @Test
    void withoutASecretNothingIsSent() {
        try (LocalTokenServer server = LocalTokenServer.start(form -> LocalTokenServer.Reply.tokens("never"))) {
            assertThatThrownBy(() -> flow(app(server.uri(), null)).obtain()).isInstanceOf(AuthorizationFailed.class)
                    .hasMessageContaining("client secret");
            assertThat(server.forms()).isEmpty();
        }
    }
}
