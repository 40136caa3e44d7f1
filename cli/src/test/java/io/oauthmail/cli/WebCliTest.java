package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail web set-password} and the console {@code oauthmail serve} starts from {@code [web] listen}: an
 * account logged in with the CLI shows as ok in the browser (one store), and a non-loopback address is refused.
 */
class WebCliTest {

    private static final String PASSWORD = "web admin password";
    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = SandboxHome.create(sandbox, home, "alice@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static int setPassword(String stdin, StringWriter err) {
        return OAuthMailCli.run(new String[] {"web", "set-password"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env);
    }

    @Test
    void setPasswordThenServeTheConsoleFromTheConfigAndRefuseItBeyondLoopback() throws Exception {
        StringWriter refused = new StringWriter();
        assertThat(setPassword("short\n", refused)).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.toString()).contains("at least 8 characters");
        StringWriter said = new StringWriter();
        assertThat(setPassword(PASSWORD + "\n", said)).as(said.toString()).isZero();
        assertThat(said.toString()).contains("admin password of the web console set").doesNotContain(PASSWORD);

        SandboxHome.Run wide = SandboxHome.run(env, "serve", "--web", "0.0.0.0:8025");
        assertThat(wide.exit()).isNotZero();
        assertThat(wide.err()).contains("only with TLS", "--web-tls", "ssh -L 8025:127.0.0.1:8025");

        Files.writeString(home.resolve("config.toml"), "\n[web]\nlisten = \"127.0.0.1:0\"\n", StandardOpenOption.APPEND);
        StringWriter err = new StringWriter();
        Thread serve = new Thread(() -> OAuthMailCli.run(new String[] {"serve"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), InputStream.nullInputStream(), env));
        serve.setDaemon(true);
        serve.start();
        String printed = Awaits.daemonStarted(err::toString);
        Matcher url = Pattern.compile("web console on (http://127\\.0\\.0\\.1:\\d+/)").matcher(printed);
        assertThat(url.find()).as(printed).isTrue();

        URI console = URI.create(url.group(1));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String login = browser.send(HttpRequest.newBuilder(console.resolve("/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(login);
        assertThat(csrf.find()).as(login).isTrue();
        HttpResponse<String> accounts = browser.send(HttpRequest.newBuilder(console.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString()); // the redirect is followed only on GET: read the page next
        assertThat(accounts.statusCode()).isEqualTo(303);
        String page = browser.send(HttpRequest.newBuilder(console.resolve("/accounts")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page).contains("alice@sandbox.test", "class=\"ok\">ok");
    }
}
