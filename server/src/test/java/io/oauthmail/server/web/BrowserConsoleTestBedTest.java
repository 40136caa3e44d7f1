package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.config.WebSettings;
import io.oauthmail.config.WebSignIn;
import io.oauthmail.mail.InboxReader;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.MessageSummary;
import io.oauthmail.oauth.Revocation;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.testing.TestBedServers;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The console used as a person uses it, in a real (headless) Chromium, against the real servers of
 * {@code ../shared/testbed}: signing in to the console with Keycloak (client {@code mail-web}, user {@code dave},
 * Keycloak's own login page typed into), connecting dave's mailbox, seeing it ok, losing the grant and
 * re-authorizing, sending a test mail through Postfix (XOAUTH2) and reading it back from Dovecot (IMAPS). Every
 * page is kept as {@code target/screenshots/testbed-*.png}. Skipped, with one line, when the test bed is down or
 * Debian's Chromium is missing.
 */
class BrowserConsoleTestBedTest {

    private static final String SUBJECT = "oauthmail test mail from the web console";

    @TempDir
    Path home;
    private final Account dave = TestBedServers.webAccount("dave");
    private Chromium chromium;
    private WebDriver browser;
    private OAuthMailRuntime runtime;
    private TokenManager tokens;
    private WebConsole console;

    @BeforeEach
    void start() throws Exception {
        TestBedServers.assumeUp();
        chromium = Chromium.start(Path.of("target/screenshots"));
        browser = chromium.driver();
        runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        tokens = runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE);
        WebSignIn signIn = new WebSignIn(TestBedServers.ISSUER, TestBedServers.WEB_CLIENT, TestBedServers.WEB_SECRET,
                null, List.of(dave.email()));
        console = WebConsole.start(new WebSettings(Optional.of("127.0.0.1:0"), false, Optional.empty(), Optional.empty(),
                Optional.of(signIn)), runtime, () -> List.of(dave), tokens);
    }

    @AfterEach
    void stop() {
        if (console != null) {
            console.close();
        }
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void signInConnectLoseTheGrantReauthorizeSendAndReadBack() throws Exception {
        browser.get(console.url().toString());
        chromium.seen("Log in", "Sign in with " + TestBedServers.ISSUER.getHost());
        chromium.screenshot("testbed-01-login");
        browser.findElement(By.linkText("Sign in with " + TestBedServers.ISSUER.getHost())).click();
        atKeycloak("testbed-02-keycloak-login");
        chromium.seen("Accounts", dave.name(), "not connected");
        chromium.screenshot("testbed-03-accounts-not-connected");

        chromium.row(dave.name()).findElement(By.linkText("Connect")).click();
        atKeycloak("testbed-04-keycloak-connect");
        chromium.seen(dave.name() + " is connected");
        chromium.screenshot("testbed-05-connected");
        browser.findElement(By.linkText("Accounts")).click();
        assertThat(chromium.row(dave.name()).getText()).contains("ok");
        TokenSet stored = runtime.store().load(dave.name()).orElseThrow();
        assertThat(browser.getPageSource()).doesNotContain(stored.accessToken()).doesNotContain(stored.refreshToken())
                .doesNotContain(TestBedServers.WEB_SECRET);
        chromium.screenshot("testbed-06-accounts-ok");

        assertThat(Revocation.revoke(dave, stored, Duration.ofSeconds(10)).revoked()).isTrue();
        runtime.store().save(dave.name(), stored.withExpiresAt(stored.expiresAt().minus(Duration.ofDays(1))));
        browser.navigate().refresh();
        assertThat(chromium.row(dave.name()).getText()).contains("needs re-authorization");
        chromium.screenshot("testbed-07-accounts-needs-reauthorization");
        chromium.row(dave.name()).findElement(By.linkText("Re-authorize")).click();
        atKeycloak("testbed-08-keycloak-reauthorize");
        chromium.seen(dave.name() + " is connected");
        browser.findElement(By.linkText("Accounts")).click();
        assertThat(chromium.row(dave.name()).getText()).contains("ok").doesNotContain("needs re-authorization");

        InboxReader inbox = new InboxReader(new MailSessions(tokens, Duration.ofSeconds(20)));
        Set<String> before = testMails(inbox);
        chromium.row(dave.name()).findElement(By.xpath(".//button[.='Send a test mail']")).click();
        chromium.seen("A test mail was sent from " + dave.name() + " to " + dave.email());
        chromium.screenshot("testbed-09-test-mail-sent");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(testMails(inbox)).as("read back from Dovecot").filteredOn(s -> !before.contains(s)).isNotEmpty());

        browser.findElement(By.linkText("Accounts")).click();
        chromium.row(dave.name()).findElement(By.xpath(".//button[.='Remove tokens']")).click();
        chromium.seen("The tokens of " + dave.name() + " were deleted and its grant revoked at the provider");
        chromium.screenshot("testbed-10-tokens-removed");
        assertThat(runtime.store().load(dave.name())).isEmpty();
    }

    /**
     * At Keycloak: its login form (typed into) when this browser has no Keycloak session, its consent page when it
     * asks, or straight back at the console when single sign-on lets the browser through.
     */
    private void atKeycloak(String screenshot) throws Exception {
        URI consoleUrl = console.url();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().startsWith(consoleUrl.toString())
                || !browser.findElements(By.id("username")).isEmpty() || !browser.findElements(By.name("accept")).isEmpty());
        if (!browser.findElements(By.id("username")).isEmpty()) {
            chromium.seen("Sign in to your account");
            // Re-authorizing sends login_hint, which Keycloak puts into the field already.
            browser.findElement(By.id("username")).clear();
            browser.findElement(By.id("username")).sendKeys("dave");
            browser.findElement(By.id("password")).sendKeys("dave-secret");
            chromium.screenshot(screenshot);
            browser.findElement(By.id("kc-login")).click();
        }
        if (!browser.findElements(By.name("accept")).isEmpty()) {
            chromium.screenshot(screenshot + "-consent");
            browser.findElement(By.name("accept")).click();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().startsWith(consoleUrl.toString()));
    }

    /** The subjects of the console's test mails in dave's inbox at Dovecot. */
    private Set<String> testMails(InboxReader inbox) {
        return inbox.list(dave, "INBOX", 50).stream().map(MessageSummary::subject).filter(s -> s.startsWith(SUBJECT))
                .collect(Collectors.toSet());
    }
}
