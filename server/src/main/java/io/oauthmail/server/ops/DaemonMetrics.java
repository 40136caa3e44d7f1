package io.oauthmail.server.ops;

import io.oauthmail.server.proxy.ProxyEvents;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The daemon's metrics, in the Prometheus Java client's registry: token refreshes by outcome, failures by kind and
 * where they happened, proxy sessions (open now and in all) and logins by protocol, bytes relayed by protocol and
 * direction. {@link #scrape} renders them in the Prometheus text format for {@code GET /metrics}.
 *
 * <p>Label values come from closed sets (outcomes, {@link FailureKind}, three protocols, two directions), never
 * from accounts, addresses or messages: a daemon serving thousands of accounts still has a few dozen series.
 * Per-account state is what {@code oauthmail status} is for. Each daemon has its own registry (no global one),
 * so two daemons in one JVM (tests) count apart.
 */
public final class DaemonMetrics implements ProxyEvents {

    /** The content type of {@link #scrape}: the Prometheus text format, version 0.0.4. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    /** Where a failure was met: the refresher, a proxy login, a token asked for on the control socket. */
    public enum Source {
        REFRESH, PROXY_LOGIN, CONTROL;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How the relay's workers finished with a message (or an attempt of it): the labels of {@code oauthmail_relay_messages}. */
    public enum RelayOutcome {
        DELIVERED, DEFERRED, BOUNCED, DROPPED, HELD;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    // Without exemplars: nothing here is traced, and with them every inc() asks an exemplar sampler (and the client
    // starts a scheduler thread for it), which the relay's byte counters would pay on every read.
    private final Counter refreshes = Counter.builder().withoutExemplars().name("oauthmail_token_refreshes")
            .help("Token refreshes by the daemon, by outcome (ok, temporary_failure, reauthorization_required)")
            .labelNames("outcome").register(registry);
    private final Counter failures = Counter.builder().withoutExemplars().name("oauthmail_failures")
            .help("Failures by kind (oauthmail's error kinds) and source (refresh, proxy_login, control)")
            .labelNames("kind", "source").register(registry);
    private final Counter sessions = Counter.builder().withoutExemplars().name("oauthmail_proxy_sessions")
            .help("Proxy client connections accepted, by protocol").labelNames("protocol").register(registry);
    private final Gauge open = Gauge.builder().name("oauthmail_proxy_sessions_open")
            .help("Proxy client connections open now, by protocol").labelNames("protocol").register(registry);
    private final Counter logins = Counter.builder().withoutExemplars().name("oauthmail_proxy_logins")
            .help("Proxy logins by protocol and outcome (ok, refused: local name or password, upstream_failed)")
            .labelNames("protocol", "outcome").register(registry);
    private final Counter bytes = Counter.builder().withoutExemplars().name("oauthmail_proxy_relayed_bytes")
            .help("Bytes relayed after the login, by protocol and direction (to_server, to_client)")
            .labelNames("protocol", "direction").register(registry);
    private final Counter relayMessages = Counter.builder().withoutExemplars().name("oauthmail_relay_messages")
            .help("Relay delivery outcomes: delivered, deferred (an attempt failed for now), bounced, dropped (a bounce that "
                    + "failed), held (the account's grant is gone)").labelNames("outcome").register(registry);
    /** The byte counters resolved once per protocol, [to client, to server]: the relay adds to them on every read. */
    private final Map<String, CounterDataPoint[]> relayed;
    /** The relay queue's counts, read at scrape; null (no relay series) until a relay listener opens the queue. */
    private volatile Supplier<QueueCounts> relayQueue;

    /**
     * The relay queue at one moment, for its gauges: messages never tried yet, deferred (tried, waiting for the next
     * attempt) and held (their account lost its grant), which add up to every queued message.
     *
     * @param oldestSeconds how long the oldest message has waited; 0 when the queue is empty
     */
    public record QueueCounts(long queued, long deferred, long held, long bytes, double oldestSeconds) {
    }

    public DaemonMetrics() {
        // Read at scrape, not kept up to date by the queue: a database queue counts with a query, which the cache in
        // relayQueue() limits to one a second however often Prometheus or a person asks.
        GaugeWithCallback.builder().name("oauthmail_relay_queue_messages")
                .help("Relay queue messages by state (queued: not yet tried, deferred, held); their sum is every message")
                .labelNames("state").callback(callback -> relayCounts(counts -> {
                    callback.call(counts.queued(), "queued");
                    callback.call(counts.deferred(), "deferred");
                    callback.call(counts.held(), "held");
                })).register(registry);
        GaugeWithCallback.builder().name("oauthmail_relay_queue_bytes").help("Bytes of the messages in the relay queue")
                .callback(callback -> relayCounts(counts -> callback.call(counts.bytes()))).register(registry);
        GaugeWithCallback.builder().name("oauthmail_relay_oldest_seconds")
                .help("Seconds the oldest message in the relay queue has waited (0 when it is empty)")
                .callback(callback -> relayCounts(counts -> callback.call(counts.oldestSeconds()))).register(registry);
        relayed = Map.of("smtp", byteCounters("smtp"), "imap", byteCounters("imap"), "pop3", byteCounters("pop3"));
        // Series that exist from the start, at 0: a rate() over a counter that appears only at its first event
        // misses that event, and a dashboard shows "no data" instead of 0.
        for (String protocol : relayed.keySet()) {
            sessions.labelValues(protocol);
            open.labelValues(protocol);
            for (String outcome : new String[] {"ok", "refused", "upstream_failed"}) {
                logins.labelValues(protocol, outcome);
            }
        }
        for (String outcome : new String[] {"ok", "temporary_failure", "reauthorization_required"}) {
            refreshes.labelValues(outcome);
        }
        for (RelayOutcome outcome : RelayOutcome.values()) {
            relayMessages.labelValues(outcome.label());
        }
        for (FailureKind kind : FailureKind.values()) {
            for (Source source : Source.values()) {
                failures.labelValues(kind.label(), source.label());
            }
        }
    }

    private CounterDataPoint[] byteCounters(String protocol) {
        return new CounterDataPoint[] {bytes.labelValues(protocol, "to_client"), bytes.labelValues(protocol, "to_server")};
    }

    /** Every metric in the Prometheus text format (0.0.4), as {@link #CONTENT_TYPE} says. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Exports the relay queue's gauges from now on, read from {@code counts} at scrape, at most once a second
     * (three gauges, one read); before this the daemon runs no relay and exports none. {@code counts} returns null
     * when the queue cannot count.
     */
    public void relayQueue(Supplier<QueueCounts> counts) {
        relayQueue = new EverySecond<>(counts, System::nanoTime);
    }

    private void relayCounts(java.util.function.Consumer<QueueCounts> use) {
        Supplier<QueueCounts> source = relayQueue;
        QueueCounts counts = source == null ? null : source.get();
        if (counts != null) { // null: the queue could not count (a database away); no series rather than a wrong 0
            use.accept(counts);
        }
    }

    /** The registry, for an exporter of its own (the loopback {@code --metrics} listener). */
    PrometheusRegistry registry() {
        return registry;
    }

    /** A refresh that got a new access token. */
    public void refreshed() {
        refreshes.labelValues("ok").inc();
    }

    /** A refresh that failed, to be tried again later ({@code kind} is usually temporary). */
    public void refreshFailed(FailureKind kind) {
        refreshes.labelValues(kind == FailureKind.REAUTHORIZATION_REQUIRED ? "reauthorization_required" : "temporary_failure").inc();
        failed(kind, Source.REFRESH);
    }

    /** The relay finished an attempt of a message with {@code outcome}. */
    public void relayOutcome(RelayOutcome outcome) {
        relayMessages.labelValues(outcome.label()).inc();
    }

    /** A failure of {@code kind} met at {@code source}. */
    public void failed(FailureKind kind, Source source) {
        failures.labelValues(kind.label(), source.label()).inc();
    }

    @Override
    public void sessionOpened(String protocol) {
        sessions.labelValues(protocol).inc();
        open.labelValues(protocol).inc();
    }

    @Override
    public void sessionClosed(String protocol) {
        open.labelValues(protocol).dec();
    }

    @Override
    public void loggedIn(String protocol) {
        logins.labelValues(protocol, "ok").inc();
    }

    @Override
    public void loginRefused(String protocol) {
        logins.labelValues(protocol, "refused").inc();
    }

    @Override
    public void upstreamFailed(String protocol, Exception failure) {
        logins.labelValues(protocol, "upstream_failed").inc();
        failed(FailureKind.of(failure), Source.PROXY_LOGIN);
    }

    @Override
    public void relayed(String protocol, boolean toServer, long count) {
        CounterDataPoint[] pair = relayed.get(protocol);
        if (pair != null) {
            pair[toServer ? 1 : 0].inc(count);
        }
    }
}
