package io.oauthmail.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.TestBedServers;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web-server flow against the real Keycloak of {@code ../shared/testbed} and its confidential client
 * {@code mail-web}: connect, revoke, re-authorize. Skipped, with one line saying how to start it, when the test
 * bed is not up. Logs in as {@code dave} (shared with a cli test that keeps to its own session, as this one does:
 * the revocation ends only the session this test started).
 */
class WebConnectTestBedTest {

    @TempDir
    Path dir;

    @Test
    void connectRevokeAndReauthorizeAtKeycloak() throws Exception {
        TestBedServers.assumeUp();
        Account dave = TestBedServers.webAccount("dave");
        String address = dave.name();
        TokenStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("store"));
        LostGrants lostGrants = LostGrants.in(dir.resolve("state"));
        TokenManager tokens = new TokenManager(store, Clock.systemUTC());
        try (TestWebApp app = new TestWebApp(dave, new WebConnect(store, lostGrants, tokens, Clock.systemUTC(), "again"))) {
            TestBrowser browser = new TestBrowser();
            HttpResponse<String> page = browser.get(TestBedServers.keycloakLogin(browser.redirectFrom(app.uri("/connect")), "dave"));
            assertThat(page.body()).isEqualTo("connected " + address + " as " + address + ", refresh token RECEIVED");
            TokenSet stored = store.load(address).orElseThrow();
            assertThat(tokens.refresh(dave).accessToken()).isNotEqualTo(stored.accessToken());

            TokenSet current = store.load(address).orElseThrow();
            assertThat(Revocation.revoke(dave, current, Duration.ofSeconds(10)).revoked()).isTrue();
            store.save(address, current.withExpiresAt(current.expiresAt().minus(Duration.ofDays(1))));
            HttpResponse<String> check = browser.get(app.uri("/check"));
            assertThat(check.statusCode()).as(check.body()).isEqualTo(302);
            assertThat(check.body()).startsWith("needs-login");

            URI reauthorize = URI.create(check.headers().firstValue("Location").orElseThrow());
            assertThat(browser.get(TestBedServers.keycloakLogin(reauthorize, "dave")).body()).endsWith("refresh token RECEIVED");
            assertThat(browser.get(app.uri("/check")).body()).isEqualTo("ok");
        }
    }
}
