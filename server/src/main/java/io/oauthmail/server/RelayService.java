package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.config.RelaySettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.Sender;
import io.oauthmail.mail.rest.GmailApiSender;
import io.oauthmail.mail.rest.GraphSender;
import io.oauthmail.provider.ProviderFamily;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.server.relay.Backoff;
import io.oauthmail.server.relay.FileSpool;
import io.oauthmail.server.relay.JdbcRelayQueue;
import io.oauthmail.server.relay.RelayDelivery;
import io.oauthmail.server.relay.RelayQueue;
import io.oauthmail.server.relay.RelayRoute;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's two halves as the daemon runs them: its queue (opened with the first relay listener and kept across
 * reloads, so a reload keeps the workers' leases) and the delivery workers that empty it. The listener tells
 * {@link #accepted} of each message it queued, so it goes out at once rather than at the next poll.
 */
final class RelayService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayService.class);

    /** Longer than any one SMTP exchange, and a quarter of the workers' lease (RelayDelivery.Settings). */
    private static final Duration MAIL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Connections of the PostgreSQL queue's pool: each call holds one for one short transaction, so this covers the
     * listeners' accepts and the workers' claims without taking much of the server's max_connections.
     */
    private static final int JDBC_POOL = 8;

    /**
     * {@code -Doauthmail.relay.lease=SECONDS}: the workers' lease in place of RelayDelivery.Settings' 10 minutes. For
     * tests of several daemons that kill one and must see its claimed messages return in seconds. Not a {@code [relay]}
     * key on purpose: a lease shorter than one attempt's longest time ({@link #MAIL_TIMEOUT}) lets another host send a
     * message that is still in flight, so users get no knob for it.
     */
    static final String LEASE_PROPERTY = "oauthmail.relay.lease";

    private final RelayQueue queue;
    /** Where the queue is, for the daemon's messages: a folder, or PostgreSQL (never its URL: it may hold a password). */
    private final String where;
    private final RelayDelivery delivery;
    private final Map<RelayRoute, Sender> restSenders = new EnumMap<>(RelayRoute.class);

    private RelayService(RelayQueue queue, String where, OAuthMailRuntime runtime, TokenManager tokens,
            Function<String, Optional<Account>> accounts, Daemon daemon, RelayDelivery.Settings settings) {
        this.queue = queue;
        this.where = where;
        RelaySettings relay = runtime.config().relay();
        this.delivery = new RelayDelivery(queue, accounts, account -> RelayRoute.named(relay.via(account.name())),
                new MailSessions(tokens, MAIL_TIMEOUT),
                route -> restSender(route, runtime, tokens), new RelayNotices(daemon.events(), accounts), daemon.metrics(),
                runtime.clock(), settings);
    }

    /**
     * Opens the queue and starts delivering what it holds: in PostgreSQL when the token store is there (daemons that
     * share their tokens share their mail, see JdbcRelayQueue#openFor), else the embedded spool ({@code [relay] spool},
     * or under the state folder); with {@code [relay]}'s limits, workers and {@code max_queue_time}.
     */
    static RelayService start(OAuthMailRuntime runtime, TokenManager tokens, Function<String, Optional<Account>> accounts,
            Daemon daemon) throws IOException {
        RelaySettings relay = runtime.config().relay();
        checkRoutes(relay, accounts);
        Path folder = Serve.spoolFolder(relay, runtime.paths());
        Optional<JdbcRelayQueue> shared = JdbcRelayQueue.openFor(runtime.config(), JDBC_POOL, relay.maxMessages(), runtime.clock());
        RelayQueue queue = shared.isPresent() ? shared.get()
                : FileSpool.open(folder, new FileSpool.Limits(relay.reserveBytes(), relay.maxMessages()), runtime.clock());
        String where = shared.isPresent() ? "PostgreSQL (the token store's database)" : folder.toString();
        RelayDelivery.Settings defaults = RelayDelivery.Settings.defaults(hostName());
        Backoff backoff = new Backoff(defaults.backoff().first(), defaults.backoff().cap(), relay.maxQueueTime());
        RelayService service = new RelayService(queue, where, runtime, tokens, accounts, daemon, new RelayDelivery.Settings(
                defaults.host(), relay.workers(), lease(defaults.lease()), defaults.poll(), defaults.idleConnection(), backoff,
                relay.burstWait()));
        int released = queue.releaseLeases(RelayService::deadProcessOfThisHost);
        if (released > 0) {
            LOG.info("relay: {} message(s) leased by an earlier daemon on this host that is gone are claimable again", released);
        }
        service.delivery.start();
        return service;
    }

    RelayQueue queue() {
        return queue;
    }

    /** The workers' lease: {@code fallback}, unless {@link #LEASE_PROPERTY} sets it. */
    private static Duration lease(Duration fallback) {
        String lease = System.getProperty(LEASE_PROPERTY, "").trim();
        if (lease.isEmpty()) {
            return fallback;
        }
        try {
            Duration seconds = Duration.ofSeconds(Long.parseLong(lease));
            if (seconds.isNegative() || seconds.isZero()) {
                throw new NumberFormatException(lease);
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + LEASE_PROPERTY + "=" + lease + ": use a whole number of seconds over 0", e);
        }
    }

    /**
     * The Gmail API takes only Google's tokens and Graph only Microsoft's: a {@code [relay] via} that does not fit
     * its account's provider would bounce every message after days of retries, so the daemon refuses to start with it.
     */
    static void checkRoutes(RelaySettings relay, Function<String, Optional<Account>> accounts) {
        for (Map.Entry<String, String> via : relay.via().entrySet()) {
            ProviderFamily needed = RelayRoute.named(via.getValue()).needs().orElse(null);
            Optional<Account> account = accounts.apply(via.getKey());
            if (needed != null && account.isPresent() && ProviderFamily.of(account.get().provider()) != needed) {
                throw new OAuthMailException("[relay] via: account " + via.getKey() + " is not a "
                        + (needed == ProviderFamily.GOOGLE ? "Google" : "Microsoft") + " account, so it cannot send through "
                        + via.getValue(), "remove it from [relay] via (it then sends over SMTP), or write \"smtp\"");
            }
        }
    }

    String where() {
        return where;
    }

    /** A message was queued: the workers look now. */
    void accepted(RelayQueue.Entry entry) {
        delivery.wake();
    }

    private synchronized Sender restSender(RelayRoute route, OAuthMailRuntime runtime, TokenManager tokens) {
        return restSenders.computeIfAbsent(route, r -> r == RelayRoute.GMAIL_API
                ? new GmailApiSender(tokens) : new GraphSender(runtime.store(), runtime.clock()));
    }

    /**
     * This daemon's name in the queue's leases and in bounces: the host and the process, so two daemons on one host
     * sharing a database never take each other's leases for their own.
     */
    private static String hostName() {
        return hostPart() + "-" + ProcessHandle.current().pid();
    }

    /** This machine's name: $HOSTNAME, else what the resolver says; the first part of every lease holder's name. */
    static String hostPart() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return host;
    }

    /**
     * True for a lease holder named like this daemon ({@link #hostName}) on this host whose process no longer runs:
     * a daemon killed and started again. Another host's leases run out on their own, as only that host could know.
     */
    static boolean deadProcessOfThisHost(String holder) {
        String prefix = hostPart() + "-";
        if (!holder.startsWith(prefix)) {
            return false;
        }
        try {
            long pid = Long.parseLong(holder.substring(prefix.length()));
            return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The workers first (sends in progress end, claimed messages go back), then the queue. */
    @Override
    public synchronized void close() throws IOException {
        delivery.close();
        restSenders.values().forEach(Sender::close);
        queue.close();
    }
}
