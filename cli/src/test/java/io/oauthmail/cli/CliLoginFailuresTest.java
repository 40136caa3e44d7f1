package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A login the provider refuses is a failed login (exit 5), never "authorize again" (3) or "temporary" (4), and
 * never talks of a refresh token being kept: during a login there is none. The provider here answers as Keycloak
 * 26 did, over a real socket: 400 for a device request without PKCE, {@code invalid_grant} for a used code.
 */
class CliLoginFailuresTest {

    @TempDir
    Path home;
    private Map<String, String> env;
    private HttpServer provider;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        answer("/auth/device", "{\"error\":\"invalid_request\",\"error_description\":\"Missing parameter: code_challenge_method\"}");
        answer("/token", "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}");
        provider.start();
        String base = "http://127.0.0.1:" + provider.getAddress().getPort();
        Run added = run(InputStream.nullInputStream(), "accounts", "add", "kc", "--provider", "custom", "--client-id", "mail-cli",
                "--authorization-endpoint", base + "/auth", "--token-endpoint", base + "/token",
                "--device-endpoint", base + "/auth/device", "--scopes", "openid email");
        assertThat(added.exit()).as(added.err()).isZero();
    }

    private void answer(String path, String json) {
        provider.createContext(path, exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @AfterEach
    void stop() {
        provider.stop(0);
    }

    private Run run(InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), in, env);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aDeviceRequestRefusedWith400IsAFailedLogin() {
        Run login = run(InputStream.nullInputStream(), "login", "kc", "--flow", "device");
        assertThat(login.exit()).as(login.err()).isEqualTo(ExitCodes.AUTHORIZATION_FAILED);
        assertThat(login.err()).contains("account kc").contains("Missing parameter: code_challenge_method")
                .contains("HTTP 400").contains("oauthmail login kc --flow device")
                .doesNotContain("refresh token was kept").doesNotContain("usually temporary").doesNotContain("\tat ");
    }

    @Test
    void aUsedAuthorizationCodeIsAFailedLoginNotAReauthorization() {
        // The paste flow prints the URL first and then reads the address; the pasted one carries this login's state
        // and a code the provider has seen before.
        StringWriter err = new StringWriter();
        PipedLine pasted = new PipedLine();
        Thread login = new Thread(() -> pasted.exit = OAuthMailCli.run(new String[] {"login", "kc", "--flow", "paste"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), pasted.in, env));
        login.start();
        URI url = Awaits.loginUrl(err);
        Matcher state = Pattern.compile("(?:^|&)state=([^&]+)").matcher(url.getRawQuery());
        assertThat(state.find()).as(url.toString()).isTrue();
        pasted.write("http://127.0.0.1:4321/callback?code=used-once&state=" + state.group(1) + "\n");
        joinQuietly(login);
        assertThat(pasted.exit).as(err.toString()).isEqualTo(ExitCodes.AUTHORIZATION_FAILED);
        assertThat(err.toString()).contains("invalid_grant: Code not valid").contains("used already or expired")
                .contains("oauthmail login kc").doesNotContain("refresh token was kept").doesNotContain("authorized again");
    }

    /** What the person types, fed to the command's stdin. */
    private static final class PipedLine {
        final PipedOutputStream typed = new PipedOutputStream();
        final PipedInputStream in;
        volatile int exit = -1;

        PipedLine() {
            try {
                in = new PipedInputStream(typed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void write(String line) {
            try {
                typed.write(line.getBytes(StandardCharsets.UTF_8));
                typed.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
