package io.oauthmail.server.web;

import static org.awaitility.Awaitility.await;

import io.oauthmail.oauth.WebServerLogin;
import java.net.URI;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The sandbox's login page (mock-oauth2-server's form) in a real browser: the user name, and the claims its tokens
 * carry (the address, and the scope asked for, so the mail servers accept the token). {@code BrowserConsoleTest}
 * has the same steps inline; it can use this on its next change.
 */
final class SandboxConsentPage {

    private SandboxConsentPage() {
    }

    /** Waits for the page, fills it in as {@code user}, runs {@code beforeSubmit} (e.g. a screenshot), submits. */
    static void logIn(WebDriver browser, String user, Runnable beforeSubmit) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !browser.findElements(By.name("username")).isEmpty());
        String scope = WebServerLogin.parameters(URI.create(browser.getCurrentUrl()).getRawQuery()).getOrDefault("scope", "");
        browser.findElement(By.name("username")).sendKeys(user);
        WebElement claims = browser.findElement(By.name("claims"));
        claims.clear();
        claims.sendKeys("{\"email\":\"" + user + "\",\"scope\":\"" + scope + "\"}");
        beforeSubmit.run();
        claims.submit();
    }
}
