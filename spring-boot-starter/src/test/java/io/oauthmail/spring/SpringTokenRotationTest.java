package io.oauthmail.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.sandbox.RefreshTokenReuse;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.sasl.OAuthBearer;
import io.oauthmail.sasl.XOAuth2;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.FakeTime;
import io.oauthmail.testing.Mailboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With short-lived tokens and refresh tokens that rotate, where presenting a spent one ends the whole session (as
 * at Keycloak, Okta, Auth0), a Spring Boot application sends across an expiry, and after a restart too: only
 * possible if the rotated refresh token was kept. Everything is logged at TRACE, and no token shows up in it.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringTokenRotationTest {

    private static final String ALICE = StarterFixture.ALICE;

    @Test
    void sendsAcrossAnExpiryAndAfterARestartWithTheRotatedRefreshTokenAndLogsNoToken(@TempDir Path home,
            CapturedOutput output) {
        try (Sandbox sandbox = Sandbox.builder().accessTokenLifetime(Duration.ofSeconds(60))
                .refreshTokenReuse(RefreshTokenReuse.ENDS_SESSION).start()) {
            Path tokenDir = home.resolve("tokens");
            TokenStore store = StarterFixture.logIn(sandbox, tokenDir, ALICE);
            Map<String, Object> properties = StarterFixture.configured(StarterFixture.config(sandbox, home, ALICE), tokenDir, ALICE);
            for (String logger : List.of("io.oauthmail", "org.springframework.mail", "org.eclipse.angus", "jakarta.mail")) {
                properties.put("logging.level." + logger, "TRACE");
            }
            TokenSet first = store.load(ALICE).orElseThrow();
            List<TokenSet> seen = new ArrayList<>(List.of(first));
            int refreshes = sandbox.tokenRequests("refresh_token");

            FakeTime time = new FakeTime(Instant.now());
            try (ConfigurableApplicationContext app = StarterFixture.run(properties, time)) {
                StarterFixture.sendSimple(app, "rotation 1");
                assertThat(sandbox.tokenRequests("refresh_token")).as("a fresh token is not refreshed").isEqualTo(refreshes);

                time.advance(Duration.between(time.instant(), first.expiresAt()).plusSeconds(1));
                StarterFixture.sendSimple(app, "rotation 2");
                assertThat(sandbox.tokenRequests("refresh_token") - refreshes).as("refreshed across the expiry").isEqualTo(1);
            }
            TokenSet rotated = store.load(ALICE).orElseThrow();
            seen.add(rotated);
            assertThat(rotated.accessToken()).isNotEqualTo(first.accessToken());
            assertThat(rotated.refreshToken()).as("the rotated refresh token is in the store").isNotEqualTo(first.refreshToken());

            // A restart reads the store: had it kept the spent refresh token, presenting it would end the session.
            FakeTime afterRestart = new FakeTime(rotated.expiresAt().plusSeconds(1));
            try (ConfigurableApplicationContext app = StarterFixture.run(properties, afterRestart)) {
                StarterFixture.sendSimple(app, "rotation 3");
            }
            assertThat(sandbox.tokenRequests("refresh_token") - refreshes).isEqualTo(2);
            TokenSet last = store.load(ALICE).orElseThrow();
            seen.add(last);
            assertThat(last.refreshToken()).isNotIn(first.refreshToken(), rotated.refreshToken());
            for (String subject : List.of("rotation 1", "rotation 2", "rotation 3")) {
                assertThat(Mailboxes.received(sandbox, subject)).as(subject).isEqualTo(1);
            }

            // the SMTP dialogue and the SASL login were traced: the log had every chance to show a token
            assertThat(output.getAll()).contains("mail is sent as " + ALICE).contains("SASL client XOAUTH2")
                    .contains("250-AUTH XOAUTH2");
            for (TokenSet tokens : seen) {
                assertNoToken(output.getAll(), tokens, sandbox);
            }
        }
    }


    /** Neither token, nor the access token's signature alone, nor a SASL initial response carrying it. */
    private static void assertNoToken(String log, TokenSet tokens, Sandbox sandbox) {
        String access = tokens.accessToken();
        assertThat(log).doesNotContain(access).doesNotContain(tokens.refreshToken())
                .doesNotContain(access.substring(access.lastIndexOf('.') + 1))
                .doesNotContain(XOAuth2.base64(ALICE, access))
                .doesNotContain(OAuthBearer.base64(ALICE, sandbox.submission().host(), sandbox.submission().port(), access));
    }
}
