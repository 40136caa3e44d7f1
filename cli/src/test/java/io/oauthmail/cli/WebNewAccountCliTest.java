package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.config.WebSettings;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.Serve;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account added and connected in the web console only (no {@code accounts add}, no {@code login}) is at once
 * an account of the CLI: {@code oauthmail token NAME} prints its token, and {@code oauthmail status} lists it ok
 * at once, under the line that says where the console is.
 */
class WebNewAccountCliTest {

    private static final String PASSWORD = "web admin password";
    private static final String SECRET = "sandbox-web-secret";
    private static final String USER = "bob@sandbox.test";

    @TempDir
    Path home;
    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private String csrf;

    @Test
    void anAccountConnectedInTheBrowserIsUsableByTokenAndShownByStatus() throws Exception {
        Map<String, String> env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        StringWriter said = new StringWriter();
        int set = OAuthMailCli.run(new String[] {"web", "set-password"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(said, true), new ByteArrayInputStream((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), env);
        assertThat(set).as(said.toString()).isZero();
        try (Sandbox sandbox = Sandbox.start();
                Serve serve = Serve.start(OAuthMailRuntime.fromEnvironment(env, null), List.of(),
                        new WebSettings(Optional.of("127.0.0.1:0"), false, Optional.empty(), Optional.empty()),
                        new PrintWriter(new StringWriter(), true))) {
            URI console = serve.webConsole().orElseThrow();
            get(console.resolve("/login"));
            assertThat(post(console.resolve("/login"), "password", PASSWORD).statusCode()).isEqualTo(303);
            get(console.resolve("/connect/new"));
            HttpResponse<String> added = post(console.resolve("/connect/new"), "name", "bob", "email", USER,
                    "provider", "generic", "issuer", sandbox.issuer().toString(), "client_id", "oauthmail-web",
                    "client_secret", SECRET, "scopes", "openid email " + Sandbox.MAIL_SCOPE);
            Matcher consent = Pattern.compile("content=\"0;url=([^\"]+)\"").matcher(added.body());
            assertThat(consent.find()).as(added.body()).isTrue();
            URI callback = sandbox.browser().login(URI.create(consent.group(1).replace("&amp;", "&")), USER);
            assertThat(get(callback).body()).contains("bob is connected as " + USER);

            SandboxHome.Run token = SandboxHome.run(env, "token", "bob");
            assertThat(token.exit()).as(token.err()).isZero();
            assertThat(token.out().strip()).isNotEmpty().doesNotContain(" ");
            // The console tells the daemon, which looks again at once (not only at its 10 s watch for a login).
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                SandboxHome.Run status = SandboxHome.run(env, "status");
                assertThat(status.exit()).as(status.err()).isZero();
                assertThat(status.out()).startsWith("web console: " + console + "\n").containsPattern("(?m)^bob +ok ");
            });
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return remember(browser.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** POSTs a form with the last page's CSRF token; the redirect is not followed (HttpClient follows none). */
    private HttpResponse<String> post(URI uri, String... pairs) throws Exception {
        StringBuilder form = new StringBuilder("csrf=").append(URLEncoder.encode(csrf, StandardCharsets.UTF_8));
        for (int i = 0; i < pairs.length; i += 2) {
            form.append('&').append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return remember(browser.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpResponse<String> remember(HttpResponse<String> page) {
        Matcher token = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        if (token.find()) {
            csrf = token.group(1);
        }
        return page;
    }
}
