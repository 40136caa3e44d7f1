package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.Sender;
import io.oauthmail.mail.rest.GmailApiSender;
import io.oauthmail.mail.rest.GraphSender;
import io.oauthmail.runtime.OAuthMailRuntime;
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

/**
 * The relay's two halves as the daemon runs them: its queue (opened with the first relay listener and kept across
 * reloads, so a reload keeps the workers' leases) and the delivery workers that empty it. The listener tells
 * {@link #accepted} of each message it queued, so it goes out at once rather than at the next poll.
 */
final class RelayService implements AutoCloseable {

    /** Longer than any one SMTP exchange, and a quarter of the workers' lease (RelayDelivery.Settings). */
    private static final Duration MAIL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Connections of the PostgreSQL queue's pool: each call holds one for one short transaction, so this covers the
     * listeners' accepts and the workers' claims without taking much of the server's max_connections.
     */
    private static final int JDBC_POOL = 8;

    /**
     * {@code -Doauthmail.relay.lease=SECONDS}: the workers' lease in place of RelayDelivery.Settings' 10 minutes. For
     * tests of several daemons that kill one and must see its claimed messages return in seconds, not a setting for
     * users (there is no {@code [relay]} table): a lease shorter than one attempt's longest time ({@link #MAIL_TIMEOUT})
     * lets another host send a message that is still in flight.
     */
    static final String LEASE_PROPERTY = "oauthmail.relay.lease";

    private final RelayQueue queue;
    /** Where the queue is, for the daemon's messages: a folder, or PostgreSQL (never its URL: it may hold a password). */
    private final String where;
    private final RelayDelivery delivery;
    private final Map<RelayRoute, Sender> restSenders = new EnumMap<>(RelayRoute.class);

    private RelayService(RelayQueue queue, String where, OAuthMailRuntime runtime, TokenManager tokens,
            Function<String, Optional<Account>> accounts, Daemon daemon) {
        this.queue = queue;
        this.where = where;
        this.delivery = new RelayDelivery(queue, accounts, account -> RelayRoute.SMTP, new MailSessions(tokens, MAIL_TIMEOUT),
                route -> restSender(route, runtime, tokens), new RelayNotices(daemon.events(), accounts), daemon.metrics(),
                runtime.clock(), settings(hostName()));
    }

    private static RelayDelivery.Settings settings(String host) {
        RelayDelivery.Settings defaults = RelayDelivery.Settings.defaults(host);
        String lease = System.getProperty(LEASE_PROPERTY, "").trim();
        if (lease.isEmpty()) {
            return defaults;
        }
        try {
            return new RelayDelivery.Settings(host, defaults.workers(), Duration.ofSeconds(Long.parseLong(lease)), defaults.poll(),
                    defaults.idleConnection(), defaults.backoff());
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new IllegalArgumentException("-D" + LEASE_PROPERTY + "=" + lease + ": use a whole number of seconds over 0", e);
        }
    }

    /**
     * Opens the queue and starts delivering what it holds: in PostgreSQL when the token store is there (daemons that
     * share their tokens share their mail, see JdbcRelayQueue#openFor), else the embedded spool under the state folder.
     */
    static RelayService start(OAuthMailRuntime runtime, TokenManager tokens, Function<String, Optional<Account>> accounts,
            Daemon daemon) throws IOException {
        Path folder = FileSpool.defaultFolder(runtime.paths());
        Optional<JdbcRelayQueue> shared = JdbcRelayQueue.openFor(runtime.config(), JDBC_POOL,
                FileSpool.Limits.defaults().maxMessages(), runtime.clock());
        RelayQueue queue = shared.isPresent() ? shared.get()
                : FileSpool.open(folder, FileSpool.Limits.defaults(), runtime.clock());
        String where = shared.isPresent() ? "PostgreSQL (the token store's database)" : folder.toString();
        RelayService service = new RelayService(queue, where, runtime, tokens, accounts, daemon);
        service.delivery.start();
        return service;
    }

    RelayQueue queue() {
        return queue;
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
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** The workers first (sends in progress end, claimed messages go back), then the queue. */
    @Override
    public synchronized void close() throws IOException {
        delivery.close();
        restSenders.values().forEach(Sender::close);
        queue.close();
    }
}
