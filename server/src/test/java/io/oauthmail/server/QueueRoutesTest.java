package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.TokenSet;
import io.oauthmail.server.relay.FileSpool;
import io.oauthmail.server.relay.QueueJson;
import io.oauthmail.server.relay.RelayQueue;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket's {@code /queue} routes over a real socket, on a real spool: what {@code oauthmail queue} uses. */
class QueueRoutesTest {

    // Not 7-bit: the content route must hand over bytes as they are, whatever their charset.
    private static final byte[] CONTENT = "Subject: quarterly figures\r\n\r\n\u00e9t\u00e9 \u20ac\r\n".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;
    private FileSpool spool;
    private ControlServer server;
    private ControlClient client;
    private final QueueJson json = new QueueJson();

    @BeforeEach
    void start() throws IOException {
        spool = FileSpool.open(dir.resolve("relay"), new FileSpool.Limits(0, 0), Clock.systemUTC());
        server = ControlServer.start(dir.resolve("run/serve.sock"), new Answers(Optional.of(spool)));
        client = new ControlClient(server.socket());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        spool.close();
    }

    private Entry accept(String account, String... to) throws IOException {
        return spool.accept(new Envelope(account, "scanner@corp.example", List.of(to), "127.0.0.1", Instant.now()),
                new ByteArrayInputStream(CONTENT), 10_000);
    }

    @Test
    void listShowAndContentAndOnlyTheContentRouteCarriesTheContent() throws IOException {
        Entry first = accept("office", "a@example.net", "b@example.net");
        Entry second = accept("office", "c@example.net");

        ControlClient.Answer list = client.get("/queue");
        assertThat(list.code()).isEqualTo(200);
        assertThat(list.body().lines().map(this::read).map(Entry::id)).containsExactly(first.id(), second.id());
        assertThat(list.body()).contains("\"state\":\"queued\"").doesNotContain("quarterly");

        ControlClient.Answer one = client.get("/queue/" + first.id());
        assertThat(read(one.body().strip())).isEqualTo(first);
        assertThat(client.bytes("/queue/" + first.id() + "/content")).isEqualTo(CONTENT);

        assertThat(client.get("/queue/0123456789abcdef").code()).isEqualTo(404);
        assertThat(client.get("/queue/0123456789abcdef").body()).isEqualTo("no message 0123456789abcdef in the queue\n");
        assertThat(client.get("/queue/not-an-id").code()).isEqualTo(400);
        assertThatThrownBy(() -> client.bytes("/queue/0123456789abcdef/content")).hasMessageContaining("404");
        assertThat(client.request("PUT", "/queue").code()).isEqualTo(405);
    }

    @Test
    void retryMakesDueNowAHeldAccountStaysHeldAndSaysSo() throws IOException {
        Entry deferred = accept("office", "a@example.net");
        Entry held = accept("lost", "b@example.net");
        Instant later = Instant.now().plus(Duration.ofHours(1));
        spool.claim("this-host", 10, Duration.ofMinutes(1), Instant.now());
        spool.deferred(deferred.id(), "this-host", later, "421 4.7.0 try again later");
        spool.deferred(held.id(), "this-host", later, "454 4.7.0 token refused");
        spool.hold("lost", Optional.of("the grant is gone"));

        Entry retried = read(client.request("POST", "/queue/" + deferred.id() + "/retry").body().strip());
        assertThat(retried.nextAttempt()).isBefore(later);
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastError()).contains("421 4.7.0 try again later");

        assertThat(client.request("POST", "/queue/retry").body()).isEqualTo("{\"moved\":1,\"held\":1}\n");
        Entry stillHeld = spool.find(held.id()).orElseThrow();
        assertThat(stillHeld.heldBecause()).contains("the grant is gone");
        assertThat(QueueJson.State.of(stillHeld)).isEqualTo(QueueJson.State.HELD);
        assertThat(client.request("POST", "/queue/0123456789abcdef/retry").code()).isEqualTo(404);
    }

    @Test
    void deleteRemovesAndSaysWhatButNotWhileAWorkerSendsIt() throws IOException {
        Entry sending = accept("office", "a@example.net");
        Entry waiting = accept("other", "b@example.net");
        spool.claim("worker-host", 1, Duration.ofMinutes(5), Instant.now());

        ControlClient.Answer refused = client.request("DELETE", "/queue/" + sending.id());
        assertThat(refused.code()).isEqualTo(409);
        assertThat(refused.body()).contains("being delivered right now (by worker-host)");
        assertThat(spool.find(sending.id())).isPresent();
        assertThat(read(client.get("/queue/" + sending.id()).body().strip()).leasedBy()).contains("worker-host");

        ControlClient.Answer deleted = client.request("DELETE", "/queue/" + waiting.id());
        assertThat(deleted.code()).isEqualTo(200);
        assertThat(read(deleted.body().strip()).id()).isEqualTo(waiting.id());
        assertThat(spool.find(waiting.id())).isEmpty();
        assertThat(client.request("DELETE", "/queue/" + waiting.id()).code()).isEqualTo(404);
    }

    @Test
    void aDaemonWithoutARelaySays503SoTheCommandOpensTheSpoolItself() throws IOException {
        try (ControlServer none = ControlServer.start(dir.resolve("run2/serve.sock"), new Answers(Optional.empty()))) {
            ControlClient.Answer answer = new ControlClient(none.socket()).get("/queue");
            assertThat(answer.code()).isEqualTo(503);
            assertThat(answer.body()).contains("runs no relay");
        }
    }

    private Entry read(String line) {
        try {
            return json.read(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }

    /** A daemon's answers with a relay queue, or none. */
    private record Answers(Optional<RelayQueue> queue) implements ControlServer.Answers {
        @Override
        public String status() {
            return "";
        }

        @Override
        public Optional<TokenSet> token(String account) {
            return Optional.empty();
        }

        @Override
        public String reload() {
            return "";
        }

        @Override
        public Optional<RelayQueue> relayQueue() {
            return queue;
        }
    }
}
