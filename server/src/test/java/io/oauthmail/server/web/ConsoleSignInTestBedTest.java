package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.config.WebSettings;
import io.oauthmail.config.WebSignIn;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.testing.TestBedServers;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in to the console with the real Keycloak of {@code ../shared/testbed} (confidential client
 * {@code mail-web}, user {@code dave}, Keycloak's own login page filled in by the test bed's browser script), over
 * real HTTP. Skipped, with one line saying how to start it, when the test bed is not up.
 */
class ConsoleSignInTestBedTest {

    private static final String DAVE = "dave@" + TestBedServers.DOMAIN;

    @TempDir
    Path home;

    @Test
    void daveOnTheListSignsInWithKeycloak() throws Exception {
        TestBedServers.assumeUp();
        try (WebConsole console = console(List.of(DAVE.toUpperCase(java.util.Locale.ROOT)))) {
            ConsoleBrowser browser = new ConsoleBrowser(console.url());
            assertThat(browser.get("/login").body()).contains("Sign in with " + TestBedServers.ISSUER.getHost());
            URI authorization = browser.redirect("/signin");
            assertThat(authorization.toString()).startsWith(TestBedServers.ISSUER + "/protocol/openid-connect/auth");
            HttpResponse<String> back = browser.get(TestBedServers.keycloakLogin(authorization, "dave"));
            assertThat(back.statusCode()).as(back.body()).isEqualTo(303);
            HttpResponse<String> accounts = browser.get("/accounts");
            assertThat(accounts.statusCode()).isEqualTo(200);
            assertThat(accounts.body()).contains("<h1>Accounts</h1>").doesNotContain(TestBedServers.WEB_SECRET);
        }
    }

    @Test
    void daveOffTheListIsRefusedByName() throws Exception {
        TestBedServers.assumeUp();
        try (WebConsole console = console(List.of("someone-else@" + TestBedServers.DOMAIN))) {
            ConsoleBrowser browser = new ConsoleBrowser(console.url());
            HttpResponse<String> page = browser.get(TestBedServers.keycloakLogin(browser.redirect("/signin"), "dave"));
            assertThat(page.statusCode()).isEqualTo(403);
            assertThat(page.body()).contains(DAVE, "not allowed into this console");
            assertThat(browser.get("/accounts").statusCode()).isEqualTo(303);
        }
    }

    private WebConsole console(List<String> allow) {
        OAuthMailRuntime runtime = OAuthMailRuntime.fromEnvironment(Map.of("OAUTHMAIL_HOME", home.toString()), null);
        WebSignIn signIn = new WebSignIn(TestBedServers.ISSUER, TestBedServers.WEB_CLIENT, TestBedServers.WEB_SECRET,
                null, allow);
        return WebConsole.start(new WebSettings(Optional.of("127.0.0.1:0"), false, Optional.empty(), Optional.empty(),
                Optional.of(signIn)), runtime, List::of, runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE));
    }
}
