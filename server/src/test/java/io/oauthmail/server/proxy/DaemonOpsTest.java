package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.config.LogSettings;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Daemon;
import io.oauthmail.server.logging.DaemonLogging;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.ops.MetricsListener;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon with the IMAP and SMTP proxies in front of the sandbox: proxy sessions, a refused login, background
 * refreshes, a lost grant and an unreachable token endpoint. Its /metrics (on the control socket and on the loopback
 * listener) must count each by the expected amount in valid Prometheus text, and its log (JSON lines, debug) must
 * have a line for each and never a token, secret or password.
 */
@Tag("slow")
class DaemonOpsTest {

    private static final String PASSWORD = "local-proxy-password-4711";
    private static final String CLIENT_SECRET = "carol-client-secret-0815";
    /** A Prometheus sample line: name, optional labels, value (and an optional timestamp). */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)( \\d+)?");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void quietAgain() {
        DaemonLogging.apply(LogSettings.Level.WARN, LogSettings.Format.TEXT); // as at start: warnings, to stderr
    }

    @Test
    void countsSessionsLoginsBytesRefreshesAndFailuresAndLogsThemWithoutSecrets() throws Exception {
        DaemonLogging.apply(LogSettings.Level.DEBUG, LogSettings.Format.JSON, log);
        // access tokens live 6 s; with a 3 s margin the refresher renews alice's and bob's every 3 s or so
        try (Sandbox sandbox = Sandbox.builder().accessTokenLifetime(Duration.ofSeconds(6)).start()) {
            EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
            LocalPasswords passwords = new LocalPasswords(dir.resolve("local-passwords"));
            Account alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
            Account bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
            for (Account account : List.of(alice, bob)) {
                store.save(account.name(), SandboxLogins.login(sandbox, account).tokens());
                passwords.set(account.name(), PASSWORD.toCharArray());
            }
            passwords.set("carol", PASSWORD.toCharArray());
            List<String> secrets = new ArrayList<>(List.of(PASSWORD, CLIENT_SECRET, "carol-refresh-token", "carol-old-token"));
            // carol's token endpoint cannot be reached (temporary), dave never logged in (lost grant)
            Account carol = new Account("carol", "carol@sandbox.test", alice.provider().withEndpoints(new OAuthEndpoints(
                    alice.provider().endpoints().authorization(), URI.create("http://127.0.0.1:1/token"), null, null, null)),
                    Sandbox.CLIENT_ID, CLIENT_SECRET, null, sandbox.caFile(), null, null);
            store.save(carol.name(), new TokenSet("carol-old-token", Instant.now().minusSeconds(1), "carol-refresh-token",
                    Instant.now(), List.of(), null));
            Account dave = SandboxAccounts.account(sandbox, "dave@sandbox.test");
            TokenManager tokens = new TokenManager(store, Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofSeconds(5),
                    RetryPolicy.NONE, Sleeper.SYSTEM);
            DaemonMetrics metrics = new DaemonMetrics();
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            Map<String, Account> served = Map.of(alice.name(), alice, bob.name(), bob, carol.name(), carol);
            try (Daemon daemon = Daemon.start(List.of(alice, bob, carol, dave), tokens, Map.of(),
                    Daemon.socketIn(dir.resolve("state")), () -> "no reload here", metrics);
                    ImapProxy imap = ImapProxy.start(ListenerOptions.plain(loopback, 10).withEvents(daemon.metrics()), served,
                            passwords, tokens);
                    SmtpProxy smtp = SmtpProxy.start(ListenerOptions.plain(loopback, 10).withEvents(daemon.metrics()), served,
                            passwords, tokens);
                    MetricsListener http = MetricsListener.start(metrics, loopback)) {
                ControlClient control = new ControlClient(daemon.socket());
                await(() -> sample(scrape(control), "oauthmail_token_refreshes_total{outcome=\"ok\"}") >= 2,
                        "background refreshes of alice and bob");
                await(() -> sample(scrape(control), "oauthmail_token_refreshes_total{outcome=\"reauthorization_required\"}") == 1,
                        "dave's lost grant");
                await(() -> sample(scrape(control), "oauthmail_failures_total{kind=\"temporary\",source=\"refresh\"}") >= 1,
                        "carol's unreachable token endpoint");
                Map<String, Double> before = samples(scrape(control));

                try (ProxyFixture.Raw session = new ProxyFixture.Raw(imap.port())) { // a refused login, then the right one, then LOGOUT
                    session.until("* OK");
                    session.send("a1 LOGIN alice@sandbox.test \"wrong password\"");
                    assertThat(session.until("a1 ")).last().asString().startsWith("a1 NO");
                    session.send("a2 LOGIN alice@sandbox.test \"" + PASSWORD + "\"");
                    assertThat(session.until("a2 ")).last().asString().startsWith("a2 OK");
                    session.send("a3 LOGOUT"); // 11 bytes with CRLF, relayed to the server
                    assertThat(session.until("a3 ")).last().asString().startsWith("a3 OK");
                }
                try (ProxyFixture.Raw session = new ProxyFixture.Raw(imap.port())) { // no token for carol now
                    session.until("* OK");
                    session.send("a1 LOGIN carol \"" + PASSWORD + "\"");
                    assertThat(session.until("a1 ")).last().asString().startsWith("a1 NO [UNAVAILABLE]");
                }
                try (ProxyFixture.Raw session = new ProxyFixture.Raw(smtp.port())) {
                    session.until("220");
                    session.send("EHLO client.example");
                    session.until("250 ");
                    session.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0bob@sandbox.test\0" + PASSWORD)
                            .getBytes(StandardCharsets.UTF_8)));
                    assertThat(session.line()).startsWith("235");
                    session.send("QUIT"); // 6 bytes with CRLF
                    assertThat(session.line()).startsWith("221");
                }
                assertThat(control.get("/token/carol").code()).isEqualTo(503); // temporary, counted at the control socket

                await(() -> sample(scrape(control), "oauthmail_proxy_sessions_open{protocol=\"imap\"}") == 0
                        && sample(scrape(control), "oauthmail_proxy_sessions_open{protocol=\"smtp\"}") == 0, "sessions closed");
                String text = scrape(control);
                Map<String, Double> after = samples(text);
                Map<String, Double> moved = new LinkedHashMap<>();
                after.forEach((series, value) -> moved.put(series, value - before.getOrDefault(series, 0.0)));
                assertThat(moved).containsEntry("oauthmail_proxy_sessions_total{protocol=\"imap\"}", 2.0)
                        .containsEntry("oauthmail_proxy_sessions_total{protocol=\"smtp\"}", 1.0)
                        .containsEntry("oauthmail_proxy_sessions_total{protocol=\"pop3\"}", 0.0)
                        .containsEntry("oauthmail_proxy_logins_total{outcome=\"refused\",protocol=\"imap\"}", 1.0)
                        .containsEntry("oauthmail_proxy_logins_total{outcome=\"ok\",protocol=\"imap\"}", 1.0)
                        .containsEntry("oauthmail_proxy_logins_total{outcome=\"ok\",protocol=\"smtp\"}", 1.0)
                        .containsEntry("oauthmail_proxy_logins_total{outcome=\"upstream_failed\",protocol=\"smtp\"}", 0.0)
                        .containsEntry("oauthmail_proxy_logins_total{outcome=\"upstream_failed\",protocol=\"imap\"}", 1.0)
                        .containsEntry("oauthmail_failures_total{kind=\"temporary\",source=\"proxy_login\"}", 1.0)
                        .containsEntry("oauthmail_proxy_relayed_bytes_total{direction=\"to_server\",protocol=\"imap\"}", 11.0)
                        .containsEntry("oauthmail_proxy_relayed_bytes_total{direction=\"to_server\",protocol=\"smtp\"}", 6.0)
                        .containsEntry("oauthmail_failures_total{kind=\"temporary\",source=\"control\"}", 1.0);
                assertThat(moved.get("oauthmail_proxy_relayed_bytes_total{direction=\"to_client\",protocol=\"imap\"}"))
                        .as("the server's BYE and tagged OK").isGreaterThan(10.0);
                assertThat(moved.get("oauthmail_proxy_relayed_bytes_total{direction=\"to_client\",protocol=\"smtp\"}"))
                        .as("the server's 221").isGreaterThan(4.0);
                assertThat(after.get("oauthmail_token_refreshes_total{outcome=\"reauthorization_required\"}"))
                        .as("dave's lost grant is reported once").isEqualTo(1.0);

                // The loopback listener serves the same registry, in the same format.
                HttpResponse<String> scraped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http.url()))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(scraped.statusCode()).isEqualTo(200);
                assertThat(samples(scraped.body())).containsEntry("oauthmail_proxy_logins_total{outcome=\"ok\",protocol=\"smtp\"}",
                        after.get("oauthmail_proxy_logins_total{outcome=\"ok\",protocol=\"smtp\"}"));

                secrets.add(store.load(alice.name()).orElseThrow().accessToken());
                secrets.add(store.load(alice.name()).orElseThrow().refreshToken());
                secrets.add(store.load(bob.name()).orElseThrow().accessToken());
                secrets.add(store.load(bob.name()).orElseThrow().refreshToken());
            }
            assertLogged(secrets);
        }
    }

    /** One JSON object per line, a line for each login, refresh and failure, and none of the secrets. */
    private void assertLogged(List<String> secrets) throws Exception {
        String text = log.toString(StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<String> messages = new ArrayList<>();
        for (String line : text.split("\n")) {
            JsonNode event = json.readTree(line);
            assertThat(event.path("level").asText()).isIn("ERROR", "WARN", "INFO", "DEBUG");
            messages.add(event.path("formattedMessage").asText());
        }
        assertThat(messages).anyMatch(m -> m.equals("proxy login: alice@sandbox.test logged in from 127.0.0.1 (imap)"))
                .anyMatch(m -> m.equals("proxy login: bob@sandbox.test logged in from 127.0.0.1 (smtp)"))
                .anyMatch(m -> m.equals("oauthmail: local login failed for account \"alice@sandbox.test\" from 127.0.0.1 (imap)"))
                .anyMatch(m -> m.startsWith("alice@sandbox.test: access token refreshed, valid until "))
                .anyMatch(m -> m.startsWith("dave@sandbox.test: ") && m.endsWith("; run: oauthmail login dave@sandbox.test"))
                .anyMatch(m -> m.startsWith("carol: ") && m.contains("(trying again at "))
                .anyMatch(m -> m.startsWith("proxy login: carol from 127.0.0.1 (imap) failed at the IMAP server (temporary): "));
        assertThat(text).contains("\"event\":\"proxy_login\"").contains("\"event\":\"token_refresh\"");
        for (String secret : secrets) {
            assertThat(text).as("the log holds no secret").doesNotContain(secret);
        }
    }

    private static String scrape(ControlClient control) {
        try {
            ControlClient.Answer answer = control.get("/metrics");
            assertThat(answer.code()).isEqualTo(200);
            return answer.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every sample of the text format by series; fails on a line that is neither a comment nor a sample. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
            samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)), Double.parseDouble(sample.group(3)));
        }
        return samples;
    }

    private static double sample(String text, String series) {
        return samples(text).getOrDefault(series, -1.0);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
