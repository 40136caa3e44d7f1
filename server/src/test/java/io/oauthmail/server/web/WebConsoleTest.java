package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console driven as a person would, over real HTTP: a browser with a cookie jar, the sandbox as provider and
 * consent page, the tokens in a real store that the CLI and the daemon would read.
 */
class WebConsoleTest {

    private static final String SECRET = "sandbox-web-secret";
    private static final String PASSWORD = "correct horse battery";

    private static Sandbox sandbox;
    private static Account alice;

    @TempDir
    Path home;
    private TokenStore store;
    private WebConsole console;
    private OAuthMailRuntime runtime;

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
    void startConsole() {
        runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        store = runtime.store();
        Account script = SandboxAccounts.webClient(sandbox, "<script>alert(1)</script>", "bob@sandbox.test", SECRET);
        console = WebConsole.start(listen("127.0.0.1:0", false), runtime, () -> List.of(alice, script),
                runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE));
    }

    @AfterEach
    void stopConsole() {
        console.close();
        sandbox.tokenEndpointFaults().clear();
    }

    @Test
    void withoutAPasswordItOnlySaysHowToSetOne() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        for (String path : List.of("/", "/accounts", "/login", "/connect?account=x")) {
            HttpResponse<String> page = browser.get(path);
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.body()).contains("oauthmail web set-password").doesNotContain("alice");
        }
    }

    @Test
    void connectSeeOkRevokeReauthorizeAndRemove() throws Exception {
        ConsoleBrowser browser = loggedIn();
        assertThat(browser.get("/accounts").body()).contains("alice@sandbox.test", "not connected");

        URI consent = browser.redirect("/connect?account=alice%40sandbox.test");
        assertThat(consent.getQuery()).contains("state=", "code_challenge_method=S256", "prompt=consent");
        HttpResponse<String> done = browser.get(sandbox.browser().login(consent, "alice@sandbox.test"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("alice@sandbox.test is connected");
        TokenSet stored = store.load(alice.name()).orElseThrow();
        assertThat(stored.refreshToken()).isNotNull();
        HttpResponse<String> accounts = browser.get("/accounts");
        assertThat(accounts.body()).contains("class=\"ok\">ok").doesNotContain(stored.accessToken())
                .doesNotContain(stored.refreshToken()).doesNotContain(SECRET).doesNotContain(PASSWORD);

        assertThat(Revocation.revoke(alice, stored, Duration.ofSeconds(10)).revoked()).isTrue();
        store.save(alice.name(), stored.withExpiresAt(stored.expiresAt().minus(Duration.ofDays(1))));
        assertThat(browser.get("/accounts").body()).contains("needs re-authorization", "invalid_grant", "Re-authorize");

        URI again = browser.redirect("/reauthorize?account=alice%40sandbox.test");
        assertThat(browser.get(sandbox.browser().login(again, "alice@sandbox.test")).statusCode()).isEqualTo(200);
        assertThat(browser.get("/accounts").body()).contains("class=\"ok\">ok").doesNotContain("needs re-authorization");
        HttpResponse<String> sent = browser.post("/test-mail", "account", alice.name(), "csrf", browser.csrf());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(sent.body()).contains("A test mail was sent from alice@sandbox.test to alice@sandbox.test");
        assertThat(sandbox.receivedMessages()).anySatisfy(m -> assertThat(m.getSubject())
                .startsWith("oauthmail test mail from the web console"));

        assertThat(browser.post("/remove", "account", alice.name(), "csrf", browser.csrf()).body())
                .contains("The tokens of alice@sandbox.test were deleted");
        assertThat(store.load(alice.name())).isEmpty();
    }

    @Test
    void theProxysLocalPasswordIsSetFromTheConsole() throws Exception {
        ConsoleBrowser browser = loggedIn();
        LocalPasswords proxy = new LocalPasswords(runtime.paths().localPasswordsFile());
        assertThat(browser.post("/local-password", "account", alice.name(), "password", "short", "csrf", browser.csrf())
                .statusCode()).isEqualTo(400);
        assertThat(browser.post("/local-password", "account", alice.name(), "password", "mail program password")
                .statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(proxy.verify(alice.name(), "mail program password".toCharArray())).isFalse();

        HttpResponse<String> set = browser.post("/local-password", "account", alice.name(), "password",
                "mail program password", "csrf", browser.csrf());
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).contains("The local password of alice@sandbox.test is set").doesNotContain("mail program password");
        assertThat(proxy.verify(alice.name(), "mail program password".toCharArray())).isTrue();
    }

    @Test
    void pagesCarryStrictHeadersAndTheCookieItsFlags() throws Exception {
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> login = browser.get("/login");
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleHandler.CSP);
        assertThat(ConsoleHandler.CSP).contains("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'");
        assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(login.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(login.body()).contains("name=\"viewport\"");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").doesNotContain("Secure");
    }

    @Test
    void underTlsItServesHttpsWithTheStateFoldersCertificateAndASecureCookie() throws Exception {
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        try (WebConsole secure = WebConsole.start(listen("127.0.0.1:0", true), runtime, () -> List.of(alice),
                runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE))) {
            assertThat(secure.url().getScheme()).isEqualTo("https");
            Path cert = runtime.paths().stateDir().resolve("web-tls/cert.pem");
            assertThat(secure.certificate()).hasValueSatisfying(said -> assertThat(said).contains(cert.toString(), "SHA-256"));
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (java.io.InputStream pem = java.nio.file.Files.newInputStream(cert)) {
                trust.setCertificateEntry("console", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(pem));
            }
            javax.net.ssl.TrustManagerFactory trusting = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trusting.init(trust);
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, trusting.getTrustManagers(), null);
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(tls).build();
            HttpResponse<String> login = client.send(java.net.http.HttpRequest.newBuilder(secure.url().resolve("/login"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure", "HttpOnly");
        }
    }

    @Test
    void namesAreEscaped() throws Exception {
        String page = loggedIn().get("/accounts").body();
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    }

    @Test
    void aWrongPasswordATamperedCookieAndAFormWithoutCsrfAreRefused() throws Exception {
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        browser.get("/login");
        HttpResponse<String> wrong = browser.post("/login", "password", "guess", "csrf", browser.csrf());
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("Wrong password");
        long before = System.nanoTime();
        assertThat(browser.post("/login", "password", "guess 2", "csrf", browser.csrf()).statusCode()).isEqualTo(403);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).as("the proxy's throttle: a second after a failure")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(browser.get("/accounts").statusCode()).as("not logged in").isEqualTo(303);

        ConsoleBrowser admin = loggedIn();
        store.save(alice.name(), new TokenSet("at", java.time.Instant.now().plusSeconds(3600), "rt", java.time.Instant.now(),
                List.of(), null));
        HttpResponse<String> noCsrf = admin.post("/remove", "account", alice.name());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(store.load(alice.name())).isPresent();

        admin.tamperCookie();
        assertThat(admin.get("/accounts").statusCode()).isEqualTo(303);
        assertThat(admin.post("/remove", "account", alice.name(), "csrf", "x").statusCode()).isEqualTo(403);
        assertThat(store.load(alice.name())).isPresent();
    }

    @Test
    void unknownAccountsForgedStatesDeclinedConsentAndAProviderDownStoreNothing() throws Exception {
        ConsoleBrowser browser = loggedIn();
        assertThat(browser.get("/connect?account=nobody").statusCode()).isEqualTo(404);
        assertThat(browser.post("/remove", "account", "nobody", "csrf", browser.csrf()).statusCode()).isEqualTo(404);

        URI callback = sandbox.browser().login(browser.redirect("/connect?account=alice%40sandbox.test"), "alice@sandbox.test");
        HttpResponse<String> forged = browser.get(URI.create(callback.toString().replaceAll("state=[^&]+", "state=forged")));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("forged or replayed");
        URI consent = browser.redirect("/connect?account=alice%40sandbox.test");
        String state = io.oauthmail.oauth.WebServerLogin.parameters(consent.getRawQuery()).get("state");
        HttpResponse<String> declined = browser.get("/callback?error=access_denied&state="
                + java.net.URLEncoder.encode(state, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(declined.statusCode()).isEqualTo(400);
        assertThat(declined.body()).contains("access_denied");
        assertThat(store.load(alice.name())).isEmpty();

        sandbox.tokenEndpointFaults().unavailable(503, null).times(5);
        HttpResponse<String> down = browser.get(callback);
        assertThat(down.statusCode()).as(down.body()).isEqualTo(502);
        assertThat(store.load(alice.name())).isEmpty();
        assertThat(browser.get(callback).statusCode()).as("replayed").isEqualTo(400);
    }

    @Test
    void aCallbackWithoutTheSessionCookieMovesOnSameSiteAndThenStops() throws Exception {
        ConsoleBrowser stranger = new ConsoleBrowser(console.url());
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        HttpResponse<String> first = stranger.get("/callback?code=c&state=s");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("http-equiv=\"refresh\"", "resume=1");
        assertThat(stranger.get("/callback?code=c&state=s&resume=1").statusCode()).isEqualTo(403);
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithTheWayRound() {
        assertThatThrownBy(() -> WebConsole.address("0.0.0.0:8025", false)).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("only with TLS").satisfies(e -> assertThat(((OAuthMailException) e).hint())
                        .hasValueSatisfying(hint -> assertThat(hint).contains("--web-tls", "ssh -L 8025:127.0.0.1:8025")));
        assertThatThrownBy(() -> WebConsole.address("8025", false)).isInstanceOf(OAuthMailException.class)
                .hasMessageContaining("HOST:PORT");
        assertThat(WebConsole.address("[::1]:8025", false).getAddress().isLoopbackAddress()).isTrue();
        assertThat(WebConsole.address("0.0.0.0:8025", true).getAddress().isAnyLocalAddress()).isTrue();
    }

    private static io.oauthmail.config.WebSettings listen(String address, boolean tls) {
        return new io.oauthmail.config.WebSettings(java.util.Optional.of(address), tls, java.util.Optional.empty(),
                java.util.Optional.empty());
    }

    private ConsoleBrowser loggedIn() throws Exception {
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        browser.get("/login");
        HttpResponse<String> in = browser.post("/login", "password", PASSWORD, "csrf", browser.csrf());
        assertThat(in.statusCode()).as(in.body()).isEqualTo(303);
        assertThat(in.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly");
        browser.get("/accounts");
        return browser;
    }
}
