package io.oauthmail.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.oauth.WebServerLogin;
import io.oauthmail.provider.Providers;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.FakeTime;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenState;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web-server flow driven as a person would: a web application (a real HTTP server with cookie sessions,
 * whose handlers call {@link WebConnect}), a browser with a cookie jar, and the sandbox as provider and consent page.
 */
class WebConnectTest {

    private static final String SECRET = "sandbox-web-secret";

    private static Sandbox sandbox;
    private static Account alice;

    @TempDir
    Path dir;
    private TokenStore store;
    private LostGrants lostGrants;
    private TokenManager tokens;
    private TestWebApp app;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.webClient(sandbox, "alice@sandbox.test", "alice@sandbox.test", SECRET);
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void startApp() throws IOException {
        store = EncryptedFileStore.openWithKeyFile(dir.resolve("store"));
        lostGrants = LostGrants.in(dir.resolve("state"));
        tokens = new TokenManager(store, Clock.systemUTC());
        app = new TestWebApp(alice, new WebConnect(store, lostGrants, tokens, Clock.systemUTC(), "connect the account again"));
    }

    @AfterEach
    void stopApp() {
        app.close();
        sandbox.tokenEndpointFaults().clear();
    }

    @Test
    void aConnectedAccountIsStoredAndUsableByTheTokenManager() throws Exception {
        TestBrowser browser = new TestBrowser();
        URI consent = browser.redirectFrom(app.uri("/connect"));
        assertThat(consent.getQuery()).contains("code_challenge_method=S256", "state=", "login_hint=alice@sandbox.test",
                "prompt=consent");
        HttpResponse<String> page = browser.get(sandbox.browser().login(consent, "alice@sandbox.test"));

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("connected alice@sandbox.test as alice@sandbox.test, refresh token RECEIVED");
        TokenSet stored = store.load(alice.name()).orElseThrow();
        assertThat(stored.refreshToken()).isNotNull();
        assertThat(tokens.accessToken(alice)).isEqualTo(stored.accessToken());
        assertThat(tokens.refresh(alice).accessToken()).isNotEqualTo(stored.accessToken());
        assertThat(browser.get(app.uri("/check")).body()).isEqualTo("ok");
    }

    @Test
    void aForgedStateStoresNothingAndLeavesTheRealLoginUsable() throws Exception {
        TestBrowser browser = new TestBrowser();
        URI consent = browser.redirectFrom(app.uri("/connect"));
        URI callback = sandbox.browser().login(consent, "alice@sandbox.test");
        String forged = callback.toString().replaceAll("state=[^&]+", "state=forged");

        HttpResponse<String> refused = browser.get(URI.create(forged));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("not that of a login begun in this browser session");
        assertThat(store.load(alice.name())).isEmpty();

        assertThat(browser.get(callback).statusCode()).isEqualTo(200);
        assertThat(store.load(alice.name())).isPresent();
    }

    @Test
    void aReplayedCallbackIsRefusedAndChangesNothing() throws Exception {
        TestBrowser browser = new TestBrowser();
        URI callback = sandbox.browser().login(browser.redirectFrom(app.uri("/connect")), "alice@sandbox.test");
        assertThat(browser.get(callback).statusCode()).isEqualTo(200);
        TokenSet first = store.load(alice.name()).orElseThrow();
        int exchanges = sandbox.tokenRequests("authorization_code");

        HttpResponse<String> replay = browser.get(callback);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("forged or replayed");
        assertThat(sandbox.tokenRequests("authorization_code")).as("the code is not presented twice").isEqualTo(exchanges);
        assertThat(store.load(alice.name()).orElseThrow().accessToken()).isEqualTo(first.accessToken());
    }

    @Test
    void aCallbackOpenedInAnotherBrowserSessionIsRefused() throws Exception {
        TestBrowser alicesBrowser = new TestBrowser();
        URI callback = sandbox.browser().login(alicesBrowser.redirectFrom(app.uri("/connect")), "alice@sandbox.test");

        HttpResponse<String> elsewhere = new TestBrowser().get(callback);
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(elsewhere.body()).contains("another browser");
        assertThat(store.load(alice.name())).isEmpty();
        assertThat(alicesBrowser.get(callback).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeclinedConsentIsAnsweredAndStoresNothing() throws Exception {
        TestBrowser browser = new TestBrowser();
        URI consent = browser.redirectFrom(app.uri("/connect"));
        String state = WebServerLogin.parameters(consent.getRawQuery()).get("state");

        HttpResponse<String> page = browser.get(app.uri("/callback?error=access_denied&state=" + enc(state)));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("access_denied", "consent was declined");
        assertThat(store.load(alice.name())).isEmpty();
    }

    @Test
    void noRefreshTokenFromTheExchangeKeepsTheStoredOne() throws Exception {
        TestBrowser browser = new TestBrowser();
        browser.get(sandbox.browser().login(browser.redirectFrom(app.uri("/connect")), "alice@sandbox.test"));
        TokenSet first = store.load(alice.name()).orElseThrow();

        URI consent = browser.redirectFrom(app.uri("/connect"));
        assertThat(consent.getQuery()).as("a refresh token is stored: no forced consent").doesNotContain("prompt=consent");
        sandbox.tokenEndpointFaults().withholdRefreshToken().times(1);
        HttpResponse<String> page = browser.get(sandbox.browser().login(consent, "alice@sandbox.test"));

        assertThat(page.body()).endsWith("refresh token KEPT_STORED");
        TokenSet now = store.load(alice.name()).orElseThrow();
        assertThat(now.refreshToken()).isEqualTo(first.refreshToken());
        assertThat(now.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(tokens.refresh(alice).refreshToken()).isNotNull();
    }

    @Test
    void noRefreshTokenAndNoneStoredSendsThePersonBackForOne() throws Exception {
        TestBrowser browser = new TestBrowser();
        browser.get(sandbox.browser().login(browser.redirectFrom(app.uri("/connect")), "alice@sandbox.test"));
        URI consent = browser.redirectFrom(app.uri("/connect"));
        assertThat(consent.getQuery()).as("a refresh token is stored: no forced consent").doesNotContain("prompt=consent");
        store.delete(alice.name()); // gone while the person was at the provider: nothing to keep
        sandbox.tokenEndpointFaults().withholdRefreshToken().times(1);
        HttpResponse<String> page = browser.get(sandbox.browser().login(consent, "alice@sandbox.test"));

        assertThat(page.statusCode()).isEqualTo(302);
        URI again = URI.create(page.headers().firstValue("Location").orElseThrow());
        assertThat(again.getQuery()).contains("prompt=consent");
        assertThat(store.load(alice.name()).orElseThrow().refreshToken()).isNull();

        HttpResponse<String> second = browser.get(sandbox.browser().login(again, "alice@sandbox.test"));
        assertThat(second.body()).endsWith("refresh token RECEIVED");
        assertThat(store.load(alice.name()).orElseThrow().refreshToken()).isNotNull();
    }

    @Test
    void aForcedConsentThatStillBringsNoRefreshTokenIsNotAskedAgain() throws Exception {
        TestBrowser browser = new TestBrowser();
        URI consent = browser.redirectFrom(app.uri("/connect"));
        assertThat(consent.getQuery()).as("nothing stored: the consent is forced").contains("prompt=consent");
        sandbox.tokenEndpointFaults().withholdRefreshToken().times(1);
        HttpResponse<String> page = browser.get(sandbox.browser().login(consent, "alice@sandbox.test"));

        assertThat(page.statusCode()).as("asking again would loop: only the provider's settings can help").isEqualTo(200);
        assertThat(page.body()).endsWith("refresh token MISSING");
        TokenSet stored = store.load(alice.name()).orElseThrow();
        assertThat(stored.refreshToken()).isNull();
        assertThat(stored.accessToken()).isNotBlank();
    }

    @Test
    void aRevokedGrantAsksForReauthorizationWithAUrlThatRestoresIt() throws Exception {
        TestBrowser browser = new TestBrowser();
        browser.get(sandbox.browser().login(browser.redirectFrom(app.uri("/connect")), "alice@sandbox.test"));
        TokenSet stored = store.load(alice.name()).orElseThrow();
        assertThat(Revocation.revoke(alice, stored, Duration.ofSeconds(10)).revoked()).isTrue();
        store.save(alice.name(), stored.withExpiresAt(stored.expiresAt().minus(Duration.ofDays(1))));

        HttpResponse<String> check = browser.get(app.uri("/check"));
        assertThat(check.statusCode()).isEqualTo(302);
        assertThat(check.body()).contains("needs-login", "invalid_grant");
        assertThat(lostGrants.find(alice.name(), store.load(alice.name()).orElseThrow())).isPresent();
        URI reauthorize = URI.create(check.headers().firstValue("Location").orElseThrow());
        assertThat(reauthorize.getQuery()).contains("prompt=consent");

        HttpResponse<String> page = browser.get(sandbox.browser().login(reauthorize, "alice@sandbox.test"));
        assertThat(page.body()).endsWith("refresh token RECEIVED");
        assertThat(browser.get(app.uri("/check")).body()).isEqualTo("ok");
        assertThat(lostGrants.find(alice.name(), store.load(alice.name()).orElseThrow())).isEmpty();
        assertThat(new WebConnect(store, lostGrants, tokens, Clock.systemUTC(), "again")
                .check(alice, app.uri("/callback"), "s").state()).isEqualTo(TokenState.OK);
    }

    @Test
    void nothingSecretIsShownByTheLoginInProgress() throws Exception {
        WebServerLogin login = new WebServerLogin(alice, Clock.systemUTC(), app.uri("/callback"), true, "again");
        assertThat(login.toString()).doesNotContain(SECRET).contains(alice.name());
        assertThat(login.authorizationUrl().toString()).doesNotContain(SECRET).doesNotContain("code_verifier");
    }

    @Test
    void googleIsAskedForOfflineAccessAndOtherProvidersForTheOfflineScope() {
        Account google = Account.builder("me@gmail.com", Providers.google()).email("me@gmail.com")
                .clientId("web.apps.googleusercontent.com").clientSecret(SECRET).build();
        Map<String, String> always = query(new WebServerLogin(google, Clock.systemUTC(), app.uri("/callback"), false, "again"));
        assertThat(always).containsEntry("access_type", "offline").doesNotContainKey("prompt");
        Map<String, String> forced = query(new WebServerLogin(google, Clock.systemUTC(), app.uri("/callback"), true, "again"));
        assertThat(forced).containsEntry("access_type", "offline").containsEntry("prompt", "consent")
                .containsEntry("code_challenge_method", "S256").containsEntry("login_hint", "me@gmail.com");
        assertThat(forced.get("scope").split(" ")).doesNotContain("offline_access");

        Map<String, String> generic = query(new WebServerLogin(alice, Clock.systemUTC(), app.uri("/callback"), true, "again"));
        assertThat(generic).containsEntry("prompt", "consent").doesNotContainKey("access_type");
        assertThat(generic.get("scope").split(" ")).contains("offline_access", Sandbox.MAIL_SCOPE);
    }

    @Test
    void aPublicClientIsRefusedBeforeAnyRedirect() {
        Account publicClient = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        assertThatThrownBy(() -> new WebConnect(store, lostGrants, tokens, Clock.systemUTC(), "again")
                .connect(publicClient, app.uri("/callback"), "session"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("confidential client");
    }

    @Test
    void aLoginOlderThanItsLifetimeIsRefused() throws Exception {
        FakeTime clock = new FakeTime(Instant.now());
        try (TestWebApp slow = new TestWebApp(alice, new WebConnect(store, lostGrants, tokens, clock, "again"))) {
            TestBrowser browser = new TestBrowser();
            URI callback = sandbox.browser().login(browser.redirectFrom(slow.uri("/connect")), "alice@sandbox.test");
            clock.advance(PendingLogins.LIFETIME.plusSeconds(1));

            HttpResponse<String> late = browser.get(callback);
            assertThat(late.statusCode()).isEqualTo(400);
            assertThat(late.body()).contains("older than 15 minutes");
            assertThat(store.load(alice.name())).isEmpty();
        }
    }

    private static Map<String, String> query(WebServerLogin login) {
        return WebServerLogin.parameters(login.authorizationUrl().getRawQuery());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
