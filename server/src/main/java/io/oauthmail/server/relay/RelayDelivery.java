package io.oauthmail.server.relay;

import io.oauthmail.account.Account;
import io.oauthmail.config.RelaySettings;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.Sender;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.relay.RelayQueue.Entry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's delivery workers. A poller claims due messages from the {@link RelayQueue} (a few more than there
 * are workers, so none waits long under its lease) and hands them to per-account lanes; a small pool of workers
 * runs the lanes, so one message of an account is in flight at a time, in the order the queue gave them, while
 * different accounts go out side by side. Each message goes out as its account, byte for byte, over the account's
 * {@link RelayRoute}; what then happens (delivered, deferred with {@link Backoff}, bounced, held for a new login)
 * is {@link RelayOutcomes}'s.
 *
 * <p>The queue has no lease renewal, so leases are bounded instead: the lease must be well over the mail timeout of
 * {@code sessions} (one attempt's longest time), and a claimed message whose lease is three quarters gone before
 * its turn is left alone (another claim gets it once the lease ends) rather than sent by a host that may have
 * lost it.
 */
public final class RelayDelivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayDelivery.class);

    /**
     * @param host           this daemon's name in leases and the bounces' {@code Reporting-MTA}
     * @param workers        messages in flight at once (each of another account)
     * @param lease          how long a claim holds; over 4x the mail timeout
     * @param poll           how often the queue is asked for due messages
     * @param idleConnection how long an account's SMTP connection stays open with nothing to send
     * @param backoff        retries and the max queue time
     * @param burstWait      how long claims may give way to a burst of accepts ({@link IntakeGate}); zero for never
     */
    public record Settings(String host, int workers, Duration lease, Duration poll, Duration idleConnection, Backoff backoff,
            Duration burstWait) {
        public Settings {
            if (workers < 1 || lease.isNegative() || lease.isZero() || poll.isNegative() || poll.isZero() || burstWait.isNegative()) {
                throw new IllegalArgumentException("the relay needs at least one worker, a lease and a poll interval");
            }
        }

        /**
         * Four workers, 10-minute leases, a poll every second, connections kept 30 s, {@link Backoff#DEFAULT},
         * bursts given way to for up to 5 s.
         */
        public static Settings defaults(String host) {
            return new Settings(host, 4, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.DEFAULT,
                    RelaySettings.BURST_WAIT);
        }
    }

    private record Claimed(Entry entry, Instant claimedAt, Instant leasedUntil) {
    }

    private final RelayQueue queue;
    private final Function<String, Optional<Account>> accounts;
    private final Function<Account, RelayRoute> routes;
    private final DeliverySenders senders;
    private final RelayHolds holds;
    private final RelayOutcomes outcomes;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final IntakeGate gate;
    /** A poll is scheduled for when the gate opens: one is enough, however many accepts come meanwhile. */
    private final AtomicBoolean gatedPoll = new AtomicBoolean();
    private final ScheduledExecutorService poller;
    private final ExecutorService workers;
    private volatile boolean closing;

    /**
     * @param accounts    the configured accounts by name (an unknown one is a temporary failure: the config may
     *                    come back)
     * @param routes      each account's route (SMTP unless its {@code relay_via} says otherwise)
     * @param restSenders the Gmail API and Graph senders, asked for when first needed
     */
    public RelayDelivery(RelayQueue queue, Function<String, Optional<Account>> accounts, Function<Account, RelayRoute> routes,
            MailSessions sessions, Function<RelayRoute, Sender> restSenders, RelayEvents events, DaemonMetrics metrics,
            Clock clock, Settings settings) {
        this.queue = queue;
        this.accounts = accounts;
        this.routes = routes;
        this.clock = clock;
        this.settings = settings;
        this.gate = new IntakeGate(settings.burstWait());
        this.senders = new DeliverySenders(sessions, restSenders, clock);
        this.holds = new RelayHolds(queue, accounts, sessions.tokens(), settings.backoff(), events);
        this.outcomes = new RelayOutcomes(queue, settings.host(), settings.backoff(), holds, events, metrics);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workers(), r -> daemonThread(r, "relay-worker-" + n.incrementAndGet()));
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "relay-poller"));
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Starts polling the queue. */
    public void start() {
        poller.scheduleWithFixedDelay(this::poll, 0, settings.poll().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A message was just queued: look now rather than at the next poll (the listener's "accepted" hook). */
    public void wake() {
        gate.accepted(clock.instant());
        pollSoon();
    }

    /** The daemon saw fresh tokens for {@code account} (a new login): its held queue flows again. */
    public void loggedIn(String account) {
        try {
            holds.loggedIn(account);
        } catch (IOException e) {
            LOG.warn("{}: cannot release the relay queue: {}", account, e.getMessage());
        }
    }

    private void poll() {
        try {
            Instant now = clock.instant();
            holds.check(now);
            senders.closeIdle(settings.idleConnection());
            Instant opens = gate.opensAt(now);
            if (opens.isAfter(now)) {
                if (gatedPoll.compareAndSet(false, true)) {
                    poller.schedule(() -> {
                        gatedPoll.set(false);
                        poll();
                    }, Duration.between(now, opens).toMillis() + 1, TimeUnit.MILLISECONDS);
                }
                return;
            }
            int room = settings.workers() * 2 - inFlight.get();
            if (room <= 0) {
                return;
            }
            List<Entry> claimed = queue.claim(settings.host(), room, settings.lease(), now);
            for (Entry entry : claimed) {
                inFlight.incrementAndGet();
                lanes.computeIfAbsent(entry.envelope().account(), a -> new Lane()).add(new Claimed(entry, now, now.plus(settings.lease())));
            }
        } catch (IOException | RuntimeException e) {
            // The queue (a full disk, a database away) or a bug: the next poll tries again; nothing is lost.
            LOG.warn("relay: cannot claim queued messages: {}", e.getMessage());
        }
    }

    /**
     * A lane ran dry: ask the queue again now instead of at the next tick, so a burst of one account (which the
     * queue may hand out one at a time, to keep its order) goes out at the provider's pace, not one per poll.
     */
    private void pollSoon() {
        if (!closing) {
            try {
                poller.execute(this::poll);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing meanwhile: nothing more to claim
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private void deliver(Claimed claimed) {
        Entry entry = claimed.entry();
        String name = entry.envelope().account();
        Instant now = clock.instant();
        try {
            if (closing) {
                queue.deferred(entry.id(), settings.host(), now, "the daemon stopped before its turn"); // the lease back
                return;
            }
            if (!now.isBefore(claimed.leasedUntil().minus(settings.lease().dividedBy(4)))) {
                LOG.warn("{}: {} waited too long for its turn; left for the next claim after its lease", name, entry.id());
                return;
            }
            if (holds.isHeld(name)) { // claimed with an older one whose attempt found the grant gone: one notice is enough
                queue.deferred(entry.id(), settings.host(), now, "the account's queue is held: its grant is gone");
                return;
            }
            Optional<RelayOutcomes.Pause> pause = outcomes.pause(name, claimed.claimedAt());
            if (pause.isPresent()) {
                queue.deferred(entry.id(), settings.host(), later(pause.get().until(), now),
                        "after an earlier message of the account: " + pause.get().reason());
                return;
            }
            Optional<Account> account = accounts.apply(name);
            if (account.isEmpty()) {
                outcomes.handle(entry, null, new byte[0], new Attempt.Temporary("no account named " + name
                        + " in the configuration (add it back, or run: oauthmail queue delete " + entry.id() + ")",
                        Optional.empty()), now);
                return;
            }
            byte[] content;
            try (InputStream in = queue.open(entry.id())) {
                content = in.readAllBytes();
            }
            // Between the provider's 250 and the queue's record of it, a crash makes the message go out again (RFC 1047:
            // SMTP's own window, at this hop): this line is how such a second copy is told from a defect (bench/e2e/relay-crash).
            LOG.debug("{}: {} sending (attempt {})", name, entry.id(), entry.attempts() + 1);
            Attempt attempt = senders.send(account.get(), routes.apply(account.get()), entry.envelope(), content);
            outcomes.handle(entry, account.get(), content, attempt, clock.instant());
        } catch (IOException | RuntimeException e) {
            // Left leased: when the lease ends it is claimed again. Never a silent loss.
            LOG.warn("{}: {}: the relay queue failed while delivering ({}); it is tried again after its lease",
                    name, entry.id(), e.getMessage());
        }
    }

    /** Stops claiming, lets the messages being sent finish (up to a lease), gives the others back, and logs out. */
    @Override
    public void close() {
        closing = true;
        poller.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(settings.lease().toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        senders.close();
    }

    /** One account's claimed messages, sent one after the other by whichever worker runs the lane. */
    private final class Lane implements Runnable {
        private final Queue<Claimed> claimed = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean();

        void add(Claimed entry) {
            claimed.add(entry);
            if (running.compareAndSet(false, true)) {
                workers.execute(this);
            }
        }

        @Override
        public void run() {
            do {
                for (Claimed next = claimed.poll(); next != null; next = claimed.poll()) {
                    deliver(next);
                    inFlight.decrementAndGet();
                }
                running.set(false);
                // a message added after the loop and before the flag was cleared is run here, not stranded
            } while (!claimed.isEmpty() && running.compareAndSet(false, true));
            pollSoon();
        }
    }
}
