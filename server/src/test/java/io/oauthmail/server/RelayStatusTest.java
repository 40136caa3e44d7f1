package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.relay.FileSpool;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay queue's counts as {@code status} and {@code /metrics} give them, from a real spool. */
class RelayStatusTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void countsByStateBytesAndTheOldestInStatusAndInTheGaugesOnlyOnceARelayRuns() throws Exception {
        DaemonMetrics metrics = new DaemonMetrics();
        assertThat(metrics.scrape()).doesNotContain("oauthmail_relay_queue_messages{").doesNotContain("oauthmail_relay_queue_bytes ");
        try (FileSpool spool = FileSpool.open(dir, new FileSpool.Limits(0, 0), Clock.fixed(NOW, ZoneOffset.UTC))) {
            Entry waiting = accept(spool, "office", NOW.minus(Duration.ofMinutes(90)), 100);
            Entry deferred = accept(spool, "office", NOW.minus(Duration.ofMinutes(30)), 200);
            Entry held = accept(spool, "lost", NOW.minus(Duration.ofMinutes(10)), 300);
            spool.claim("h", 10, Duration.ofMinutes(1), NOW);
            spool.delivered(waiting.id(), "h");
            Entry fresh = accept(spool, "office", NOW, 50);
            spool.deferred(deferred.id(), "h", NOW.plus(Duration.ofMinutes(5)), "421 later");
            spool.deferred(held.id(), "h", NOW.plus(Duration.ofMinutes(5)), "454 token refused");
            spool.hold("lost", Optional.of("grant revoked"));

            JsonNode relay = new ObjectMapper().readTree(RelayStatus.json(spool, NOW)).path("relay");
            assertThat(relay.path("queued").asInt()).isEqualTo(3);
            assertThat(relay.path("deferred").asInt()).isEqualTo(1);
            assertThat(relay.path("held").asInt()).isEqualTo(1);
            assertThat(relay.path("held_accounts").toString()).isEqualTo("[\"lost\"]");
            assertThat(relay.path("bytes").asLong()).isEqualTo(200 + 300 + fresh.size());
            assertThat(relay.path("oldest").asText()).isEqualTo(NOW.minus(Duration.ofMinutes(30)).toString());
            assertThat(relay.path("oldest_seconds").asLong()).isEqualTo(1800);

            metrics.relayQueue(RelayStatus.gauges(spool, Clock.fixed(NOW, ZoneOffset.UTC)));
            String scrape = metrics.scrape();
            assertThat(scrape).contains("oauthmail_relay_queue_messages{state=\"queued\"} 1.0")
                    .contains("oauthmail_relay_queue_messages{state=\"deferred\"} 1.0")
                    .contains("oauthmail_relay_queue_messages{state=\"held\"} 1.0")
                    .contains("oauthmail_relay_queue_bytes " + (double) (550))
                    .contains("oauthmail_relay_oldest_seconds 1800.0");
        }
    }

    @Test
    void anEmptyQueueSaysZeroNotNothing() throws Exception {
        try (FileSpool spool = FileSpool.open(dir, new FileSpool.Limits(0, 0), Clock.systemUTC())) {
            assertThat(RelayStatus.json(spool, NOW)).isEqualTo("{\"relay\":{\"queued\":0,\"deferred\":0,\"held\":0,"
                    + "\"held_accounts\":[],\"bytes\":0,\"oldest\":null,\"oldest_seconds\":0}}");
        }
    }

    private static Entry accept(FileSpool spool, String account, Instant received, int size) throws Exception {
        return spool.accept(new Envelope(account, "from@example.net", List.of("to@example.net"), "127.0.0.1", received),
                new ByteArrayInputStream(new byte[size]), 10_000);
    }
}
