package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console used as a person uses it, in a real (headless) Chromium: typing into its forms, clicking its links
 * and buttons, logging in at the sandbox's consent page. Each page is kept as a screenshot under
 * {@code target/screenshots/}. Skipped, saying which packages to install, where Debian's Chromium is missing.
 */
class BrowserConsoleTest {

    private static final String SECRET = "sandbox-web-secret";
    private static final String PASSWORD = "correct horse battery";
    private static final String ALICE = "alice@sandbox.test";

    @TempDir
    Path home;
    private Sandbox sandbox;
    private Chromium chromium;
    private WebDriver browser;
    private OAuthMailRuntime runtime;
    private WebConsole console;

    @BeforeEach
    void start() throws Exception {
        chromium = Chromium.start(Path.of("target/screenshots"));
        browser = chromium.driver();
        sandbox = Sandbox.start();
        runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        List<Account> accounts = List.of(crossSite(SandboxAccounts.webClient(sandbox, ALICE, ALICE, SECRET)),
                SandboxAccounts.webClient(sandbox, "bob@sandbox.test", "bob@sandbox.test", SECRET));
        console = WebConsole.start(new io.oauthmail.config.WebSettings(java.util.Optional.of("127.0.0.1:0"), false,
                java.util.Optional.empty(), java.util.Optional.empty()), runtime, () -> accounts,
                runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE));
    }

    @AfterEach
    void stop() {
        if (console != null) {
            console.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void aPersonConnectsSeesOkLosesTheGrantReauthorizesSendsAndRemoves() throws Exception {
        browser.get(console.url().toString());
        seen("Set the admin password first", Pages.SET_PASSWORD);
        chromium.screenshot("01-set-password");

        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
        browser.navigate().refresh();
        seen("Log in", "Admin password");
        chromium.screenshot("02-login");
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.findElement(By.xpath("//button[.='Log in']")).click();
        seen("Accounts", ALICE, "not connected");
        chromium.screenshot("03-accounts-not-connected");

        row(ALICE).findElement(By.linkText("Connect")).click();
        loginAtTheSandbox("04-sandbox-login");
        seen(ALICE + " is connected");
        assertThat(browser.getCurrentUrl()).as("came back through the same-site resume page").contains("resume=1");
        chromium.screenshot("05-connected");

        browser.findElement(By.linkText("Accounts")).click();
        assertThat(text(row(ALICE))).contains("ok");
        TokenSet stored = runtime.store().load(ALICE).orElseThrow();
        noSecretShown(stored);
        chromium.screenshot("06-accounts-ok");
        chromium.phoneScreenshot("07-accounts-ok-phone", 390, 844);
        seen(ALICE);

        TokenStore store = runtime.store();
        Account alice = SandboxAccounts.webClient(sandbox, ALICE, ALICE, SECRET);
        assertThat(Revocation.revoke(alice, stored, Duration.ofSeconds(10)).revoked()).isTrue();
        store.save(ALICE, stored.withExpiresAt(stored.expiresAt().minus(Duration.ofDays(1))));
        browser.navigate().refresh();
        assertThat(text(row(ALICE))).contains("needs re-authorization", "invalid_grant");
        chromium.screenshot("08-accounts-needs-reauthorization");

        row(ALICE).findElement(By.linkText("Re-authorize")).click();
        loginAtTheSandbox(null);
        seen(ALICE + " is connected");
        browser.findElement(By.linkText("Accounts")).click();
        assertThat(text(row(ALICE))).contains("ok").doesNotContain("needs re-authorization");

        row(ALICE).findElement(By.xpath(".//button[.='Send a test mail']")).click();
        seen("A test mail was sent from " + ALICE + " to " + ALICE);
        chromium.screenshot("09-test-mail-sent");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sandbox.receivedMessages())
                .anySatisfy(m -> assertThat(m.getSubject()).startsWith("oauthmail test mail from the web console")));

        browser.findElement(By.linkText("Accounts")).click();
        row(ALICE).findElement(By.xpath(".//button[.='Remove tokens']")).click();
        seen("The tokens of " + ALICE + " were deleted");
        chromium.screenshot("10-tokens-removed");
        assertThat(store.load(ALICE)).isEmpty();
        noSecretShown(stored);
    }

    /** At the sandbox's login page (mock-oauth2-server's form): the user name and the claims the tokens carry. */
    private void loginAtTheSandbox(String screenshot) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElements(By.name("username")).isEmpty());
        String scope = io.oauthmail.oauth.WebServerLogin.parameters(URI.create(browser.getCurrentUrl()).getRawQuery())
                .getOrDefault("scope", "");
        browser.findElement(By.name("username")).sendKeys(ALICE);
        WebElement claims = browser.findElement(By.name("claims"));
        claims.clear();
        claims.sendKeys("{\"email\":\"" + ALICE + "\",\"scope\":\"" + scope + "\"}");
        if (screenshot != null) {
            chromium.screenshot(screenshot);
        }
        claims.submit();
    }

    private void seen(String... texts) {
        chromium.seen(texts);
    }

    private WebElement row(String account) {
        return chromium.row(account);
    }

    private static String text(WebElement element) {
        return element.getText();
    }

    private void noSecretShown(TokenSet stored) {
        assertThat(browser.getPageSource()).doesNotContain(stored.accessToken()).doesNotContain(stored.refreshToken())
                .doesNotContain(SECRET).doesNotContain(PASSWORD);
    }

    /**
     * The account with its consent page at {@code localhost} rather than {@code 127.0.0.1}: a different site, as a
     * real provider is, so that the browser leaves the console's SameSite=Strict cookie off the redirect back.
     */
    private static Account crossSite(Account account) {
        OAuthEndpoints endpoints = account.provider().endpoints();
        URI authorization = endpoints.authorization();
        URI elsewhere = URI.create(authorization.toString().replaceFirst("//127\\.0\\.0\\.1:", "//localhost:"));
        assertThat(elsewhere.getHost()).as(authorization.toString()).isEqualTo("localhost");
        return account.withProvider(account.provider().withEndpoints(new OAuthEndpoints(elsewhere, endpoints.token(),
                endpoints.deviceAuthorization(), endpoints.revocation(), endpoints.userInfo())));
    }
}
