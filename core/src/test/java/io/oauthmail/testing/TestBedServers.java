package io.oauthmail.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.TlsMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The real servers of {@code ../shared/testbed} (see its README) for tests outside the cli module: Keycloak's
 * realm {@code mail} and its confidential client {@code mail-web}, Postfix and Dovecot. Addresses come from the
 * {@code TB_*} variables its {@code env.sh} exports, else from that file's defaults. {@link #assumeUp()} skips
 * the calling test, with one line saying how to start the test bed, when Keycloak is not ready.
 */
public final class TestBedServers {

    public static final String HOST = env("TB_HOST", "127.0.0.1");
    public static final String DOMAIN = env("TB_MAIL_DOMAIN", "example.test");
    public static final URI ISSUER = URI.create(env("TB_OAUTH_ISSUER", "http://" + HOST + ":" + env("TB_OAUTH_PORT", "18080")
            + "/realms/" + env("TB_OAUTH_REALM", "mail")));
    /** The confidential client for web applications (redirects to any loopback port and path). */
    public static final String WEB_CLIENT = env("TB_CLIENT_WEB", "mail-web");
    public static final String WEB_SECRET = env("TB_CLIENT_WEB_SECRET", "mail-web-secret");
    private static final URI READY = URI.create("http://" + HOST + ":" + env("TB_OAUTH_MGMT_PORT", "19000") + "/health/ready");

    private TestBedServers() {
    }

    /** Skips the calling test unless Keycloak is ready and the test bed's scripts are there. */
    public static void assumeUp() {
        Path script = browserScript();
        assumeTrue(Files.isRegularFile(script) && ready(),
                "test bed not up: run ../shared/testbed/up.sh (needs Keycloak at " + READY + " and " + script + ")");
    }

    /** Keycloak's realm with its OpenID scopes and, for mail, Postfix's XOAUTH2-only submission and Dovecot's IMAPS. */
    public static Provider keycloak() {
        String endpoints = ISSUER + "/protocol/openid-connect/";
        return new Provider("keycloak", new OAuthEndpoints(URI.create(endpoints + "auth"),
                URI.create(endpoints + "token"), null, URI.create(endpoints + "revoke"), URI.create(endpoints + "userinfo")),
                List.of("openid", "email"),
                new MailServer(HOST, Integer.parseInt(env("TB_IMAPS_PORT", "1993")), TlsMode.IMPLICIT), null,
                new MailServer(HOST, Integer.parseInt(env("TB_SUBMISSION_XOAUTH2_ONLY_PORT", "1588")), TlsMode.STARTTLS),
                Set.of());
    }

    /** {@code user}'s mailbox as an account of the web client {@code mail-web}, trusting the test bed's CA. */
    public static Account webAccount(String user) {
        String address = user + "@" + DOMAIN;
        return new Account(address, address, keycloak(), WEB_CLIENT, WEB_SECRET, List.of(), caCert());
    }

    /** The test CA that signed the mail servers' certificate. */
    public static Path caCert() {
        return Path.of(env("TB_CA_CERT", env("TB_ROOT", "/tmp/testbed") + "/tls/ca.crt"));
    }

    /**
     * Logs {@code user} (password {@code USER-secret}) in on Keycloak's real pages with the test bed's browser
     * script, in a fresh cookie jar; returns the application's callback that Keycloak redirects to.
     */
    public static URI keycloakLogin(URI authorizationUrl, String user) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", browserScript().toString(), "open", authorizationUrl.toString(),
                "--username", user, "--password", user + "-secret", "--no-follow").start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return URI.create(out.lines().reduce((first, last) -> last).orElseThrow());
    }

    private static boolean ready() {
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(READY)
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().contains("UP");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path browserScript() {
        return testBedDir().resolve("clients/browser.py");
    }

    /** {@code TB_DIR}, else a {@code shared/testbed} beside the clone or one of its parents. */
    private static Path testBedDir() {
        String configured = System.getenv("TB_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isDirectory(at.resolve("shared/testbed"))) {
                return at.resolve("shared/testbed");
            }
        }
        return Path.of("shared/testbed");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
