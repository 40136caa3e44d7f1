package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.config.WebSettings;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Serve;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * A person adds an account the config does not have yet, in headless Chromium, on the console {@code oauthmail
 * serve --web} runs: the form (with the redirect URI to register), a mistake named beside its field, the sandbox's
 * consent page, the account ok on the Accounts page and in the daemon's status. Screenshots under
 * {@code target/screenshots/new-account-*}; skipped, saying what to install, without Debian's Chromium.
 */
class BrowserNewAccountTest {

    private static final String SECRET = "sandbox-web-secret";
    private static final String PASSWORD = "correct horse battery";
    private static final String BOB = "bob@sandbox.test";

    @TempDir
    Path home;
    private Sandbox sandbox;
    private Chromium chromium;
    private WebDriver browser;
    private Serve serve;

    @BeforeEach
    void start() throws Exception {
        chromium = Chromium.start(Path.of("target/screenshots"));
        browser = chromium.driver();
        sandbox = Sandbox.start();
        OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        serve = Serve.start(runtime, List.of(), new WebSettings(Optional.of("127.0.0.1:0"), false, Optional.empty(),
                Optional.empty()), new PrintWriter(new StringWriter(), true));
        AdminPassword.set(runtime.paths().stateDir(), PASSWORD.toCharArray());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {serve, sandbox, chromium}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void aPersonAddsANewAccountAndConnectsItThroughTheConsentPage() throws Exception {
        URI console = serve.webConsole().orElseThrow();
        browser.get(console.resolve("/login").toString());
        browser.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.findElement(By.xpath("//button[.='Log in']")).click();
        seen("No account is configured");
        assertOneLine("nav");
        assertOneLine("h1");

        browser.findElement(By.linkText("Connect a new account")).click();
        seen("Connect a new account", console.resolve("/callback").toString());
        assertOneLine("nav");
        type("name", "bob");
        type("email", BOB);
        browser.findElement(By.cssSelector("select[name=provider] option[value=generic]")).click();
        type("issuer", "https://nowhere.invalid/realm");
        type("client_id", "oauthmail-web");
        type("client_secret", SECRET);
        type("scopes", "openid email " + Sandbox.MAIL_SCOPE);
        chromium.screenshot("new-account-01-form");
        browser.findElement(By.xpath("//button[.='Add and connect']")).click();
        seen("could not be read", "Nothing was written");
        assertThat(browser.findElement(By.id("issuer-problem")).getText()).contains("nowhere.invalid");
        assertThat(browser.findElement(By.name("client_secret")).getAttribute("value")).as("never rendered back").isEmpty();
        chromium.screenshot("new-account-02-issuer-unreachable");

        browser.findElement(By.name("issuer")).clear();
        type("issuer", sandbox.issuer().toString());
        type("client_secret", SECRET);
        browser.findElement(By.xpath("//button[.='Add and connect']")).click();
        SandboxConsentPage.logIn(browser, BOB, () -> {
            try {
                chromium.screenshot("new-account-03-sandbox-consent");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        seen("bob is connected as " + BOB);
        chromium.screenshot("new-account-04-connected");

        browser.findElement(By.linkText("Accounts")).click();
        seen("bob", "ok", "Send a test mail");
        assertOneLine("nav");
        for (WebElement header : browser.findElements(By.tagName("th"))) {
            assertOneLine(header);
        }
        chromium.screenshot("new-account-05-accounts");
        assertThat(browser.getPageSource()).doesNotContain(SECRET);
        assertThat(Files.readString(home.resolve("config.toml"))).contains("[accounts.\"bob\"]");
        assertThat(new ControlClient(serve.socket()).status()).contains("\"web_console\":\"" + console + "\"",
                "\"account\":\"bob\"");
    }

    private void type(String field, String value) {
        browser.findElement(By.name(field)).sendKeys(value);
    }

    private void seen(String... texts) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(browser.findElement(By.tagName("body"))
                .getText()).contains(texts));
    }

    private void assertOneLine(String tag) {
        assertOneLine(browser.findElement(By.tagName(tag)));
    }

    /**
     * The element's contents sit on one line in the 1280 px window: no box of it starts below where another ends,
     * as the browser laid them out (a WebDriver script is not the page's, so the Content-Security-Policy does not
     * stop it; links and a taller button on one line overlap vertically, a wrapped line does not).
     */
    private void assertOneLine(WebElement element) {
        Object wrapped = ((JavascriptExecutor) browser).executeScript("var r = document.createRange();"
                + " r.selectNodeContents(arguments[0]);"
                + " var boxes = Array.from(r.getClientRects()).filter(function (b) { return b.height > 0; });"
                + " return boxes.some(function (a) { return boxes.some(function (b) { return b.top >= a.bottom - 1; }); });",
                element);
        assertThat(wrapped).as("<%s> '%s' wraps at 1280 px", element.getTagName(), element.getText()).isEqualTo(false);
    }
}
