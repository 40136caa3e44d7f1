package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.config.WebSettings;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Serve;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Connect an account" for an account the config does not have, and the console's loose ends, over real HTTP
 * against the daemon as {@code oauthmail serve --web} runs it ({@link Serve}): the sandbox as provider, the config
 * file and the store as the CLI reads them, the daemon's status from its control socket.
 */
class ConsoleNewAccountTest {

    private static final String SECRET = "sandbox-web-secret";
    private static final String PASSWORD = "correct horse battery";
    private static final String BOB = "bob@sandbox.test";

    private static Sandbox sandbox;

    @TempDir
    Path home;
    private OAuthMailRuntime runtime;
    private Serve serve;
    private ConsoleBrowser browser;
    private final List<String> pages = new ArrayList<>();

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void startServe() throws Exception {
        runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        serve = Serve.start(runtime, List.of(), new WebSettings(Optional.of("127.0.0.1:0"), false, Optional.empty(),
                Optional.empty()), new PrintWriter(new StringWriter(), true));
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        browser = new ConsoleBrowser(serve.webConsole().orElseThrow());
        browser.get("/login");
        assertThat(browser.post("/login", "password", PASSWORD, "csrf", browser.csrf()).statusCode()).isEqualTo(303);
        browser.get("/accounts");
    }

    @AfterEach
    void stopServe() {
        serve.close();
        sandbox.tokenEndpointFaults().clear();
        assertThat(pages).as("no page ever shows the client secret").noneMatch(page -> page.contains(SECRET));
    }

    @Test
    void aNewAccountIsWrittenAsAccountsAddWritesItConnectedAndServedByTheDaemon() throws Exception {
        HttpResponse<String> form = seen(browser.get("/connect/new"));
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).as("the redirect URI to register").contains(serve.webConsole().orElseThrow()
                .resolve("/callback").toString()).contains("type=\"password\" name=\"client_secret\"");

        URI consent = added(submit("bob", BOB, "generic", sandbox.issuer().toString(), ""));
        assertThat(consent.getQuery()).contains("login_hint=" + BOB, "prompt=consent", "code_challenge_method=S256");
        String config = Files.readString(runtime.paths().configFile());
        assertThat(config).contains("[accounts.\"bob\"]", "provider = \"generic\"", "client_id = \"oauthmail-web\"",
                "client_secret = \"" + SECRET + "\"", "email = \"" + BOB + "\"",
                "token_endpoint = \"" + sandbox.tokenEndpoint() + "\"", "imap = \"" + sandbox.imaps() + ":tls\"",
                "smtp = \"" + sandbox.submission() + ":starttls\"");

        HttpResponse<String> done = seen(browser.get(sandbox.browser().login(consent, BOB)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("bob is connected as " + BOB);
        assertThat(seen(browser.get("/accounts")).body()).contains("bob", "class=\"ok\">ok");

        // What `oauthmail token bob` does, in a runtime of its own: the config as written, the same store.
        OAuthMailRuntime cli = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        Account bob = AccountResolver.withSecret(cli.account("bob"));
        TokenSet tokens = cli.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE).validTokens(bob);
        assertThat(tokens.accessToken()).isNotBlank();
        assertThat(tokens.refreshToken()).isNotBlank();

        String status = new ControlClient(serve.socket()).status();
        assertThat(status.lines().findFirst()).hasValue("{\"web_console\":\"" + serve.webConsole().orElseThrow() + "\"}");
        assertThat(status).contains("\"account\":\"bob\"");
    }

    @Test
    void badInputIsRefusedFieldByFieldAndNothingIsWritten() throws Exception {
        Path config = runtime.paths().configFile();
        assertThat(browser.post("/connect/new", "name", "x", "provider", "google", "client_id", "id",
                "client_secret", SECRET).statusCode()).as("no CSRF token").isEqualTo(403);
        refused(400, "name", "Must not contain line breaks", submit("x\"]\r\n[accounts.\"evil", BOB, "google", "", ""));
        refused(400, "name", "Use letters, digits", submit("two words", BOB, "google", "", ""));
        refused(400, "email", "Not an e-mail address", submit("bob", "bob at sandbox", "google", "", ""));
        refused(400, "issuer", "An issuer is an https:// URL", submit("bob", BOB, "generic", "ftp://idp.example/", ""));
        refused(400, "scopes", "quotes", submit("bob", BOB, "generic", sandbox.issuer().toString(), "openid \"x"));
        refused(400, "scopes", "no quotes or backslashes", submit("bob", BOB, "generic", sandbox.issuer().toString(), "a\\b"));
        refused(400, "tenant", "Not a Microsoft tenant", submit("bob", BOB, "microsoft", "", "a/b"));
        refused(400, "smtp", "Write it as HOST:PORT", seen(browser.post("/connect/new", "csrf", browser.csrf(), "name", "bob",
                "provider", "google", "client_id", "oauthmail-web", "client_secret", SECRET, "smtp", "mail.example.com:smtp")));
        HttpResponse<String> noIssuer = submit("bob", BOB, "generic", "http://127.0.0.1:9/nothing", "");
        refused(502, "issuer", "cannot read the OpenID configuration", noIssuer);
        assertThat(noIssuer.body()).contains("value=\"http://127.0.0.1:9/nothing\"").doesNotContain(SECRET);
        HttpResponse<String> huge = browser.post("/connect/new", "csrf", browser.csrf(), "name", "x".repeat(1 << 20));
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(413);
        assertThat(huge.body()).contains("larger than the console accepts");
        assertThat(config).doesNotExist();

        ConfigWriter.putAccount(config, settings("alice", SECRET));
        String before = Files.readString(config);
        refused(400, "name", "configured already", submit("alice", BOB, "google", "", ""));
        assertThat(Files.readString(config)).isEqualTo(before);
    }

    @Test
    void aLostGrantOffersReauthorizeNotATestMailAndATestMailSaysWhatHappened() throws Exception {
        ConfigWriter.putAccount(runtime.paths().configFile(), settings("alice@sandbox.test", SECRET));
        serve.reload();
        URI consent = browser.redirect("/connect?account=alice%40sandbox.test");
        assertThat(browser.get(sandbox.browser().login(consent, "alice@sandbox.test")).statusCode()).isEqualTo(200);
        HttpResponse<String> sent = seen(browser.post("/test-mail", "account", "alice@sandbox.test", "csrf", browser.csrf()));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(sent.body()).containsPattern("A test mail was sent from alice@sandbox.test to alice@sandbox.test:"
                + " it should be in that inbox in a moment, with the subject &quot;oauthmail test mail from the web"
                + " console, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC&quot;\\. \\(Its Message-ID is &lt;");

        Account alice = AccountResolver.withSecret(runtime.account("alice@sandbox.test"));
        TokenSet stored = runtime.store().load(alice.name()).orElseThrow();
        assertThat(Revocation.revoke(alice, stored, Duration.ofSeconds(10)).revoked()).isTrue();
        runtime.store().save(alice.name(), stored.withExpiresAt(stored.expiresAt().minus(Duration.ofDays(1))));
        String page = seen(browser.get("/accounts")).body();
        assertThat(page).contains("needs re-authorization", "Re-authorize").doesNotContain("Send a test mail")
                .contains("Remove tokens");
    }

    @Test
    void aForcedConsentThatStillBringsNoRefreshTokenSaysSoInsteadOfLooping() throws Exception {
        URI consent = added(submit("bob", BOB, "generic", sandbox.issuer().toString(), ""));
        sandbox.tokenEndpointFaults().withholdRefreshToken();
        HttpResponse<String> back = seen(browser.get(sandbox.browser().login(consent, BOB)));
        assertThat(back.statusCode()).as("a page, not another trip to the provider").isEqualTo(200);
        assertThat(back.body()).contains("the provider gave no refresh token", "offline_access", "consent");
        TokenSet stored = runtime.store().load("bob").orElseThrow();
        assertThat(stored.refreshToken()).isNull();
        assertThat(stored.accessToken()).isNotBlank();
    }

    /** POSTs the new-account form with the sandbox's web client and the mail scope (unless {@code scopes} says). */
    private HttpResponse<String> submit(String name, String email, String provider, String issuer, String extra)
            throws Exception {
        String tenant = provider.equals("microsoft") ? extra : "";
        String scopes = provider.equals("generic") && extra.isEmpty() ? "openid email " + Sandbox.MAIL_SCOPE : extra;
        return seen(browser.post("/connect/new", "csrf", browser.csrf(), "name", name, "email", email, "provider", provider,
                "issuer", issuer, "tenant", tenant, "client_id", "oauthmail-web", "client_secret", SECRET,
                "scopes", provider.equals("microsoft") ? "" : scopes,
                "imap", provider.equals("generic") ? sandbox.imaps() + ":tls" : "",
                "smtp", provider.equals("generic") ? sandbox.submission() + ":starttls" : ""));
    }

    /** The provider's URL the page moves on to, after an account was added. */
    private static URI added(HttpResponse<String> page) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Matcher refresh = Pattern.compile("http-equiv=\"refresh\" content=\"0;url=([^\"]+)\"").matcher(page.body());
        assertThat(refresh.find()).as(page.body()).isTrue();
        return URI.create(refresh.group(1).replace("&amp;", "&"));
    }

    private static void refused(int status, String field, String said, HttpResponse<String> page) {
        assertThat(page.statusCode()).as(page.body()).isEqualTo(status);
        assertThat(page.body()).contains("Nothing was written").containsPattern("id=\"" + field + "-problem\">[^<]*"
                + Pattern.quote(said));
    }

    private HttpResponse<String> seen(HttpResponse<String> page) {
        pages.add(page.body());
        return page;
    }

    /** A configured account sending through the sandbox's submission port, as {@code accounts add} would write it. */
    private static AccountSettings settings(String name, String secret) {
        return new AccountSettings(name, "custom", null, null, "oauthmail-web", secret, null, name,
                List.of("openid", "email", Sandbox.MAIL_SCOPE), null, null,
                sandbox.submission().host() + ":" + sandbox.submission().port() + ":starttls",
                sandbox.caFile().toString(), null, null, sandbox.authorizationEndpoint().toString(),
                sandbox.tokenEndpoint().toString(), null, sandbox.revocationEndpoint().toString(),
                sandbox.userInfoEndpoint().toString(), null, null);
    }
}
