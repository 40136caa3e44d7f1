package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.oauthmail.account.Account;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.rest.GmailApiSender;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gmail API route, against a local HTTP server in the API's place (the sandbox has no Gmail API): the API takes
 * its recipients from the headers, so the envelope must be mapped onto them.
 */
class RelayApiRouteTest {

    private static final String ALICE = "alice@sandbox.test";
    private static Sandbox sandbox;
    private static HttpServer api;
    private static final List<byte[]> uploaded = new CopyOnWriteArrayList<>();
    private static MailSessions sessions;
    private static Account alice;
    @TempDir
    static Path spoolRoot;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, ALICE);
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(ALICE, SandboxLogins.login(sandbox, alice).tokens());
        sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(10));
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        api.createContext("/gmail/v1/users/me/messages/send", exchange -> {
            String raw = new ObjectMapper().readTree(exchange.getRequestBody()).path("raw").asText();
            uploaded.add(Base64.getUrlDecoder().decode(raw));
            byte[] answer = "{\"id\":\"18c0ffee\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        api.start();
    }

    @AfterAll
    static void stop() {
        api.stop(0);
        sandbox.close();
    }

    private List<String> deliver(List<String> recipients, byte[] content) throws Exception {
        RecordedEvents events = new RecordedEvents();
        GmailApiSender gmail = new GmailApiSender(sessions.tokens(), URI.create("http://127.0.0.1:" + api.getAddress().getPort()),
                Duration.ofSeconds(10), RetryPolicy.DEFAULT, Sleeper.SYSTEM);
        try (RelayQueue queue = FileSpool.open(Files.createTempDirectory(spoolRoot, "spool"), FileSpool.Limits.defaults(),
                Clock.systemUTC());
                RelayDelivery relay = new RelayDelivery(queue, name -> Optional.of(alice), account -> RelayRoute.GMAIL_API,
                        sessions, route -> gmail, events, new DaemonMetrics(), Clock.systemUTC(),
                        RelayDelivery.Settings.defaults("test-host"))) {
            Entry entry = queue.accept(new Envelope(ALICE, ALICE, recipients, "127.0.0.1", Instant.now()),
                    new ByteArrayInputStream(content), 1 << 20);
            relay.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(entry.id()).isEmpty());
        }
        return events.lines;
    }

    private static byte[] message(String marker) {
        return ("From: alice@sandbox.test\r\nTo: bob@sandbox.test\r\nSubject: " + marker + "\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void envelopeRecipientsTheHeadersLackGoInAsBccOnTopOfTheUnchangedMessage() throws Exception {
        byte[] content = message("api-bcc");
        assertThat(deliver(List.of("bob@sandbox.test", "hidden@sandbox.test"), content)).hasSize(1).allMatch(l -> l.startsWith("delivered"));
        String sent = uploaded.stream().map(b -> new String(b, StandardCharsets.UTF_8)).filter(t -> t.contains("api-bcc"))
                .findFirst().orElseThrow();
        assertThat(sent).isEqualTo("Bcc: hidden@sandbox.test\r\n" + new String(content, StandardCharsets.UTF_8));
    }

    @Test
    void aHeaderRecipientOutsideTheEnvelopeIsNotSentToButBounced() throws Exception {
        List<String> events = deliver(List.of("carol@sandbox.test"), message("api-over"));
        assertThat(events.get(0)).startsWith("bounced ").endsWith(" [carol@sandbox.test]");
        assertThat(uploaded.stream().map(b -> new String(b, StandardCharsets.UTF_8))
                .filter(t -> t.contains("api-over") && !t.contains("Undelivered"))).isEmpty();
    }
}
