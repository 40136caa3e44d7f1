package io.oauthmail.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web-server flow against the real Keycloak of {@code ../shared/testbed} and its confidential client
 * {@code mail-web}: connect, revoke, re-authorize. Skipped, with one line saying how to start it, when the test
 * bed is not up. Logs in as {@code dave} (shared with a cli test that keeps to its own session, as this one does:
 * the revocation ends only the session this test started).
 */
class WebConnectTestBedTest {

    private static final String HOST = env("TB_HOST", "127.0.0.1");
    private static final String ISSUER = env("TB_OAUTH_ISSUER", "http://" + HOST + ":" + env("TB_OAUTH_PORT", "18080")
            + "/realms/" + env("TB_OAUTH_REALM", "mail"));
    private static final URI READY = URI.create("http://" + HOST + ":" + env("TB_OAUTH_MGMT_PORT", "19000") + "/health/ready");

    @TempDir
    Path dir;

    @Test
    void connectRevokeAndReauthorizeAtKeycloak() throws Exception {
        Path browserScript = testBedDir().resolve("clients/browser.py");
        assumeTrue(Files.isRegularFile(browserScript) && ready(),
                "test bed not up: run ../shared/testbed/up.sh (needs Keycloak at " + READY + " and " + browserScript + ")");
        String endpoints = ISSUER + "/protocol/openid-connect/";
        Provider keycloak = new Provider("keycloak", new OAuthEndpoints(URI.create(endpoints + "auth"),
                URI.create(endpoints + "token"), null, URI.create(endpoints + "revoke"), URI.create(endpoints + "userinfo")),
                List.of("openid", "email"), null, null, null, Set.of());
        String address = "dave@" + env("TB_MAIL_DOMAIN", "example.test");
        Account dave = new Account(address, address, keycloak, "mail-web", env("TB_CLIENT_WEB_SECRET", "mail-web-secret"),
                List.of(), null);
        TokenStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("store"));
        LostGrants lostGrants = LostGrants.in(dir.resolve("state"));
        TokenManager tokens = new TokenManager(store, Clock.systemUTC());
        try (TestWebApp app = new TestWebApp(dave, new WebConnect(store, lostGrants, tokens, Clock.systemUTC(), "again"))) {
            TestBrowser browser = new TestBrowser();
            HttpResponse<String> page = browser.get(keycloakLogin(browserScript, browser.redirectFrom(app.uri("/connect"))));
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
            assertThat(browser.get(keycloakLogin(browserScript, reauthorize)).body()).endsWith("refresh token RECEIVED");
            assertThat(browser.get(app.uri("/check")).body()).isEqualTo("ok");
        }
    }

    /** Logs in on Keycloak's real pages with the test bed's browser; returns the callback it redirects to. */
    private static URI keycloakLogin(Path script, URI authorizationUrl) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", script.toString(), "open", authorizationUrl.toString(),
                "--username", "dave", "--password", "dave-secret", "--no-follow").redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return URI.create(out.lines().reduce((first, last) -> last).orElseThrow());
    }

    private static boolean ready() {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(READY)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().contains("UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code TB_DIR}, else a {@code shared/testbed} beside the clone or one of its parents. */
    private static Path testBedDir() {
        String configured = System.getenv("TB_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isDirectory(at.resolve("shared/testbed"))) {
                return at.resolve("shared/testbed");
            }
        }
        return Path.of("shared/testbed");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
