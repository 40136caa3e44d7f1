package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.oauthmail.config.WebSettings;
import io.oauthmail.config.WebSignIn;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Signing in to the console with an OpenID Connect provider (the sandbox's mock-oauth2-server) over real HTTP:
 * the allow-list, and every way a sign-in must fail without a session.
 */
class ConsoleSignInTest {

    private static final String CLIENT = "oauthmail-console";
    private static final String SECRET = "console-sign-in-secret";
    private static final String ALICE = "alice@sandbox.test";
    private static final Map<String, Object> VERIFIED = Map.of("email_verified", true);

    private static Sandbox sandbox;

    @TempDir
    Path home;
    private WebConsole console;
    private OAuthMailRuntime runtime;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SignInRoutes.class);

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void startConsole() {
        console = console(sandbox.issuer());
        log.start();
        logger.addAppender(log);
        logger.setLevel(Level.INFO); // the test configuration may log only warnings; the sign-in line is INFO
    }

    @AfterEach
    void stopConsole() {
        logger.detachAppender(log);
        logger.setLevel(null);
        console.close();
    }

    private WebConsole console(URI issuer) {
        runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        // The address in upper case: the allow-list matches addresses case-insensitively.
        WebSignIn signIn = new WebSignIn(issuer, CLIENT, SECRET, null, List.of("ALICE@Sandbox.Test", "sub:carol"));
        return WebConsole.start(new WebSettings(Optional.of("127.0.0.1:0"), false, Optional.empty(), Optional.empty(),
                Optional.of(signIn)), runtime, List::of, runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE));
    }

    @Test
    void anAllowedVerifiedAddressSignsInWithoutAnyAdminPassword() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> login = browser.get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("Sign in with " + sandbox.issuer().getHost()).doesNotContain("Admin password");

        URI authorization = browser.redirect("/signin");
        assertThat(authorization.toString()).startsWith(sandbox.authorizationEndpoint().toString());
        assertThat(authorization.getQuery()).contains("client_id=" + CLIENT, "state=", "nonce=", "code_challenge_method=S256",
                "scope=openid+email", "redirect_uri=" + console.url().resolve("/signin/callback"));
        URI callback = sandbox.browser().login(authorization, ALICE, VERIFIED);
        HttpResponse<String> back = browser.get(callback);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(303);
        assertThat(back.headers().firstValue("Location")).contains("/accounts");
        assertThat(back.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly", "SameSite=Strict");
        HttpResponse<String> accounts = browser.get("/accounts");
        assertThat(accounts.statusCode()).isEqualTo(200);
        assertThat(accounts.body()).contains("<h1>Accounts</h1>").doesNotContain(SECRET);
        assertThat(messages()).anySatisfy(line -> assertThat(line).contains(ALICE + " (sub:" + ALICE + ") signed in"));

        HttpResponse<String> replayed = browser.get(callback);
        assertThat(replayed.statusCode()).isEqualTo(400);
        assertThat(replayed.body()).contains("No sign-in was under way");
        HttpResponse<String> noCsrf = browser.post("/logout");
        assertThat(noCsrf.statusCode()).as("the signed-in session has CSRF tokens like a password one").isEqualTo(403);
        assertThat(browser.post("/logout", "csrf", browser.csrf()).statusCode()).isEqualTo(303);
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void aValidIdentityNotOnTheListGetsA403AndALogLineButNoSession() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> page = browser.get(sandbox.browser().login(browser.redirect("/signin"), "bob@sandbox.test",
                VERIFIED));
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("bob@sandbox.test", "not allowed into this console", "[web] allow");
        assertThat(messages()).anySatisfy(line -> assertThat(line).contains("bob@sandbox.test", "not on [web] allow"));
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void anUnverifiedAddressDoesNotCountEvenWhenItIsOnTheList() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> page = browser.get(sandbox.browser().login(browser.redirect("/signin"), ALICE,
                Map.of("email_verified", false)));
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("address not verified");
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void aSubjectEntryLetsInAUserWithoutAVerifiedAddress() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> back = browser.get(sandbox.browser().login(browser.redirect("/signin"), "carol", Map.of()));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(303);
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(200);
    }

    @Test
    void aForgedStateIsRefusedAndTheRealAnswerThenToo() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        URI callback = sandbox.browser().login(browser.redirect("/signin"), ALICE, VERIFIED);
        HttpResponse<String> forged = browser.get(URI.create(callback.toString().replaceAll("state=[^&]+", "state=forged")));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("forged");
        assertThat(browser.get(callback).statusCode()).as("the sign-in was used up by the forgery").isEqualTo(400);
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void anIdTokenWithoutTheNonceIsRefused() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        URI authorization = browser.redirect("/signin");
        URI withoutNonce = URI.create(authorization.toString().replaceAll("&nonce=[^&]+", ""));
        HttpResponse<String> page = browser.get(sandbox.browser().login(withoutNonce, ALICE, VERIFIED));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("ID token", "refused", "nonce");
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void anIdTokenForAnotherAudienceIsRefused() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> page = browser.get(sandbox.browser().login(browser.redirect("/signin"), ALICE,
                Map.of("email_verified", true, "aud", "another-app")));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("ID token", "refused", "audience");
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void accessDeniedAtTheProviderSaysSo() throws Exception {
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        URI authorization = browser.redirect("/signin");
        String state = authorization.getQuery().replaceAll(".*state=([^&]+).*", "$1");
        HttpResponse<String> page = browser.get("/signin/callback?error=access_denied&state=" + state);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).contains("refused at " + sandbox.issuer().getHost(), "access_denied");
        assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
    }

    @Test
    void aProviderThatIsDownGivesAClearPageAndThePasswordStillWorks() throws Exception {
        console.close();
        console = console(URI.create("http://127.0.0.1:9/down"));
        AdminPassword.set(runtime.paths().stateDir(), "correct horse battery".toCharArray());
        ConsoleBrowser browser = new ConsoleBrowser(console.url());
        HttpResponse<String> login = browser.get("/login");
        assertThat(login.body()).contains("Sign in with 127.0.0.1", "Admin password");
        HttpResponse<String> page = browser.get("/signin");
        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(page.body()).contains("cannot read the OpenID Connect metadata of http://127.0.0.1:9/down", "oidc_issuer");
        browser.get("/login");
        assertThat(browser.post("/login", "password", "correct horse battery", "csrf", browser.csrf()).statusCode())
                .isEqualTo(303);
    }

    private List<String> messages() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
