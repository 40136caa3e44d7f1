package io.oauthmail.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.relay.RelayQueue;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The relay queue's counts, for {@code oauthmail status} (one more line of the status, {@code {"relay": {...}}}, after
 * the accounts' lines, so readers of those see nothing new) and for the {@code /metrics} gauges.
 */
final class RelayStatus {

    private RelayStatus() {
    }

    /**
     * {@code {"relay":{"queued":N,"deferred":N,"held":N,"held_accounts":[...],"bytes":N,"oldest":"ISO"|null,
     * "oldest_seconds":N}}}; {@code queued} is every message, {@code deferred} and {@code held} are among them.
     */
    static String json(RelayQueue queue, Instant now) {
        Map<String, Object> relay = new LinkedHashMap<>();
        try {
            RelayQueue.Counts counts = queue.counts();
            relay.put("queued", counts.queued());
            relay.put("deferred", counts.deferred());
            relay.put("held", counts.held());
            TreeSet<String> held = new TreeSet<>();
            if (counts.held() > 0) { // the accounts need the list; most of the time nothing is held and it is skipped
                queue.list().forEach(entry -> entry.heldBecause().ifPresent(why -> held.add(entry.envelope().account())));
            }
            relay.put("held_accounts", held);
            relay.put("bytes", counts.bytes());
            relay.put("oldest", counts.oldest().map(Instant::toString).orElse(null));
            relay.put("oldest_seconds", counts.oldest().map(oldest -> Math.max(0, Duration.between(oldest, now).toSeconds())).orElse(0L));
        } catch (IOException e) {
            relay.put("error", "the relay queue cannot count: " + e.getMessage());
        }
        try {
            return new ObjectMapper().writeValueAsString(Map.of("relay", relay));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // numbers, strings and a set always write
        }
    }

    /** The gauges' source: the queue's counts, or null when it cannot count. */
    static Supplier<DaemonMetrics.QueueCounts> gauges(RelayQueue queue, Clock clock) {
        return () -> {
            try {
                RelayQueue.Counts counts = queue.counts();
                double oldest = counts.oldest().map(at -> Math.max(0, Duration.between(at, clock.instant()).toMillis() / 1000.0))
                        .orElse(0.0);
                return new DaemonMetrics.QueueCounts(counts.queued() - counts.deferred() - counts.held(), counts.deferred(),
                        counts.held(), counts.bytes(), oldest);
            } catch (IOException e) {
                return null;
            }
        };
    }
}
