package io.oauthmail.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.oauth.WebServerLogin;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenState;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private WebApp app;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start();
        Account user = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        alice = new Account(user.name(), user.email(), user.provider(), "oauthmail-web", SECRET, user.scopes(),
                user.caFile());
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
        app = new WebApp(new WebConnect(store, lostGrants, tokens, Clock.systemUTC(), "connect the account again"));
    }

    @AfterEach
    void stopApp() {
        app.close();
        sandbox.tokenEndpointFaults().clear();
    }

    @Test
    void aConnectedAccountIsStoredAndUsableByTheTokenManager() throws Exception {
        Browser browser = new Browser();
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
        Browser browser = new Browser();
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
        Browser browser = new Browser();
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
        Browser alicesBrowser = new Browser();
        URI callback = sandbox.browser().login(alicesBrowser.redirectFrom(app.uri("/connect")), "alice@sandbox.test");

        HttpResponse<String> elsewhere = new Browser().get(callback);
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(elsewhere.body()).contains("another browser");
        assertThat(store.load(alice.name())).isEmpty();
        assertThat(alicesBrowser.get(callback).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeclinedConsentIsAnsweredAndStoresNothing() throws Exception {
        Browser browser = new Browser();
        URI consent = browser.redirectFrom(app.uri("/connect"));
        String state = WebServerLogin.parameters(consent.getRawQuery()).get("state");

        HttpResponse<String> page = browser.get(app.uri("/callback?error=access_denied&state=" + enc(state)));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("access_denied", "consent was declined");
        assertThat(store.load(alice.name())).isEmpty();
    }

    @Test
    void noRefreshTokenFromTheExchangeKeepsTheStoredOne() throws Exception {
        Browser browser = new Browser();
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
        Browser browser = new Browser();
        sandbox.tokenEndpointFaults().withholdRefreshToken().times(1);
        HttpResponse<String> page = browser.get(sandbox.browser().login(browser.redirectFrom(app.uri("/connect")),
                "alice@sandbox.test"));

        assertThat(page.statusCode()).isEqualTo(302);
        URI again = URI.create(page.headers().firstValue("Location").orElseThrow());
        assertThat(again.getQuery()).contains("prompt=consent");
        assertThat(store.load(alice.name()).orElseThrow().refreshToken()).isNull();

        HttpResponse<String> second = browser.get(sandbox.browser().login(again, "alice@sandbox.test"));
        assertThat(second.body()).endsWith("refresh token RECEIVED");
        assertThat(store.load(alice.name()).orElseThrow().refreshToken()).isNotNull();
    }

    @Test
    void aRevokedGrantAsksForReauthorizationWithAUrlThatRestoresIt() throws Exception {
        Browser browser = new Browser();
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

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A browser: follows no redirects by itself, keeps cookies per site. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        URI redirectFrom(URI uri) throws IOException, InterruptedException {
            HttpResponse<String> response = get(uri);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
            return URI.create(response.headers().firstValue("Location").orElseThrow());
        }
    }

    /**
     * The web application, as small as a servlet: a session cookie, {@code /connect} redirecting to the provider,
     * {@code /callback} completing, {@code /check} redirecting to re-authorization when needed.
     */
    private static final class WebApp implements AutoCloseable {
        private final HttpServer server;
        private final WebConnect web;
        private final Map<String, Boolean> sessions = new ConcurrentHashMap<>();
        private final SecureRandom random = new SecureRandom();

        WebApp(WebConnect web) throws IOException {
            this.web = web;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/connect", exchange -> respond(exchange, () -> {
                redirect(exchange, web.connect(alice, uri("/callback"), session(exchange)), "");
            }));
            server.createContext("/callback", exchange -> respond(exchange, () -> {
                Connected connected = web.callback(session(exchange), exchange.getRequestURI().getRawQuery());
                String text = "connected " + connected.account() + " as " + connected.email() + ", refresh token "
                        + connected.refreshToken();
                if (connected.sendUserTo().isPresent()) {
                    redirect(exchange, connected.sendUserTo().get(), text);
                } else {
                    send(exchange, 200, text);
                }
            }));
            server.createContext("/check", exchange -> respond(exchange, () -> {
                AccountCheck check = web.check(alice, uri("/callback"), session(exchange));
                if (check.needsReauthorization()) {
                    redirect(exchange, check.reauthorizeAt(), check.state() + ": " + check.reason());
                } else {
                    send(exchange, 200, check.state().word());
                }
            }));
            server.start();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        }

        /** The session of the cookie, or a new one with its cookie set. */
        private String session(HttpExchange exchange) {
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            if (cookie != null) {
                for (String part : cookie.split(";\\s*")) {
                    if (part.startsWith("SID=") && sessions.containsKey(part.substring(4))) {
                        return part.substring(4);
                    }
                }
            }
            byte[] id = new byte[16];
            random.nextBytes(id);
            String session = HexFormat.of().formatHex(id);
            sessions.put(session, true);
            exchange.getResponseHeaders().add("Set-Cookie", "SID=" + session + "; Path=/; HttpOnly; SameSite=Lax");
            return session;
        }

        private interface Handler {
            void handle() throws IOException;
        }

        private static void respond(HttpExchange exchange, Handler handler) throws IOException {
            try (exchange) {
                try {
                    handler.handle();
                } catch (OAuthMailException e) {
                    send(exchange, 400, e.getMessage() + (e.hint().isPresent() ? "; " + e.hint().get() : ""));
                }
            }
        }

        private static void redirect(HttpExchange exchange, URI to, String text) throws IOException {
            exchange.getResponseHeaders().add("Location", to.toString());
            send(exchange, 302, text);
        }

        private static void send(HttpExchange exchange, int status, String text) throws IOException {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
