package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.token.TokenManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers against the test bed's real Postfix (Outlook-like port 1588: STARTTLS, XOAUTH2 only; Keycloak tokens
 * checked by Dovecot's introspection), as user {@code frank}. Skipped, with a line saying so, when it is down.
 */
class RelayTestBedTest {

    private static final String HOST = env("TB_HOST", "127.0.0.1");
    private static final String TOKEN_ENDPOINT = "http://" + HOST + ":" + env("TB_OAUTH_PORT", "18080") + "/realms/mail"
            + "/protocol/openid-connect/token";
    private static final int PORT = Integer.parseInt(env("TB_SUBMISSION_XOAUTH2_ONLY_PORT", "1588"));
    private static final Path ROOT = Path.of(env("TB_ROOT", "/tmp/testbed"));
    private static final String FRANK = "frank@" + env("TB_MAIL_DOMAIN", "example.test");

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    @Test
    void aQueuedMessageReachesFranksMaildirThroughPostfix(@TempDir Path dir) throws Exception {
        assumeTrue(listening(PORT) && listening(Integer.parseInt(env("TB_OAUTH_PORT", "18080"))),
                "test bed not up: run ../shared/testbed/up.sh (needs Postfix on " + PORT + " and Keycloak)");
        Provider provider = new Provider("testbed", new OAuthEndpoints(URI.create(TOKEN_ENDPOINT.replace("/token", "/auth")),
                URI.create(TOKEN_ENDPOINT), null, null, null), List.of("openid", "email", "offline_access"), null, null,
                new MailServer(HOST, PORT, TlsMode.STARTTLS), Set.of());
        Account frank = new Account(FRANK, FRANK, provider, "mail-test", env("TB_CLIENT_TEST_SECRET", "mail-test-secret"),
                List.of(), ROOT.resolve("tls/ca.crt"));
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(FRANK, passwordGrant());
        MailSessions sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(20));
        String marker = "relay-testbed-" + UUID.randomUUID();
        // With its own Date and Message-ID: Postfix adds those two when missing, the one change an MTA may make.
        byte[] content = ("Date: Thu, 26 Nov 2026 12:00:00 +0000\r\nMessage-ID: <" + marker + "@example.test>\r\n"
                + "From: " + FRANK + "\r\nTo: " + FRANK + "\r\nSubject: " + marker + "\r\n\t folded  oddly\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n.dot line\r\n")
                .getBytes(StandardCharsets.UTF_8);
        RecordedEvents events = new RecordedEvents();
        try (RelayQueue queue = FileSpool.open(dir.resolve("spool"), FileSpool.Limits.defaults(), Clock.systemUTC());
                RelayDelivery relay = new RelayDelivery(queue, name -> Optional.of(frank).filter(a -> a.name().equals(name)),
                        account -> RelayRoute.SMTP, sessions, route -> null, events, new DaemonMetrics(), Clock.systemUTC(),
                        RelayDelivery.Settings.defaults("test-host"))) {
            var entry = queue.accept(new Envelope(FRANK, FRANK, List.of(FRANK), "127.0.0.1", Instant.now()),
                    new ByteArrayInputStream(content), 1 << 20);
            relay.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> queue.list().isEmpty());
            assertThat(events.lines).containsExactly("delivered " + entry.id());
        }
        // Dovecot keeps Maildir files with LF line ends, below the trace headers Postfix and LMTP put on top.
        String expected = new String(content, StandardCharsets.UTF_8).replace("\r\n", "\n");
        Path maildir = ROOT.resolve("mail/example.test/frank/Maildir/new");
        await().atMost(Duration.ofSeconds(30)).until(() -> find(maildir, marker).isPresent());
        assertThat(find(maildir, marker).orElseThrow()).endsWith(expected);
    }

    private static Optional<String> find(Path maildir, String marker) throws IOException {
        try (Stream<Path> files = Files.list(maildir)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains(marker)) {
                    return Optional.of(text);
                }
            }
        }
        return Optional.empty();
    }

    private static TokenSet passwordGrant() throws IOException, InterruptedException {
        String form = "grant_type=password&username=frank&password=" + URLEncoder.encode(env("TB_FRANK_PASSWORD", "frank-secret"),
                StandardCharsets.UTF_8) + "&scope=" + URLEncoder.encode("openid email offline_access", StandardCharsets.UTF_8)
                + "&client_id=mail-test&client_secret=" + env("TB_CLIENT_TEST_SECRET", "mail-test-secret");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(TOKEN_ENDPOINT))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("password grant for frank at mail-test").isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(answer.body());
        Instant now = Instant.now();
        return new TokenSet(body.path("access_token").asText(), now.plusSeconds(body.path("expires_in").asLong()),
                body.path("refresh_token").asText(null), now, List.of(), null, now);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
