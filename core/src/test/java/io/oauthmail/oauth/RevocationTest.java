package io.oauthmail.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 7009 against the sandbox, which ends the grant on revocation as Google and Keycloak do. */
class RevocationTest {

    private static Sandbox sandbox;
    private static Account alice;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void aRevokedGrantCannotBeRefreshed() {
        TokenSet tokens = SandboxLogins.login(sandbox, alice).tokens();
        Revocation.Outcome outcome = Revocation.revoke(alice, tokens, Duration.ofSeconds(10));
        assertThat(outcome.revoked()).as(String.valueOf(outcome.problem())).isTrue();
        assertThat(outcome.endpoint()).contains(sandbox.revocationEndpoint());
        assertThatThrownBy(() -> new TokenEndpoint(alice, Clock.systemUTC(), Duration.ofSeconds(10)).refresh(tokens))
                .isInstanceOf(ReauthorizationRequired.class);
    }

    @Test
    void aProviderWithoutAnEndpointIsNotAsked() {
        OAuthEndpoints endpoints = alice.provider().endpoints();
        Account noEndpoint = alice.withProvider(alice.provider().withEndpoints(new OAuthEndpoints(
                endpoints.authorization(), endpoints.token(), endpoints.deviceAuthorization(), null, endpoints.userInfo())));
        Revocation.Outcome outcome = Revocation.revoke(noEndpoint, SandboxLogins.login(sandbox, alice).tokens(),
                Duration.ofSeconds(10));
        assertThat(outcome.endpoint()).isEmpty();
        assertThat(outcome.revoked()).isFalse();
    }
}
