package io.oauthmail.server.relay;

import io.oauthmail.account.Account;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.ops.DaemonMetrics.RelayOutcome;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the relay does with an {@link Attempt}: tells the queue (delivered, deferred with backoff, failed), queues
 * bounces, holds an account whose grant is gone, and reports each outcome as a log line, an event and a count.
 *
 * <p>After a temporary failure the account is paused until its next attempt: its younger messages, already
 * claimed, are deferred to the same moment untried, so the provider gets an account's mail in order once it is
 * back (the queue hands out the oldest first).
 */
final class RelayOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(RelayOutcomes.class);

    /** Since and until when an account waits, and why. */
    record Pause(Instant since, Instant until, String reason) {
    }

    private final RelayQueue queue;
    private final String host;
    private final Backoff backoff;
    private final Dsn dsn;
    private final RelayHolds holds;
    private final RelayEvents events;
    private final DaemonMetrics metrics;
    private final Map<String, Pause> paused = new ConcurrentHashMap<>();

    RelayOutcomes(RelayQueue queue, String host, Backoff backoff, RelayHolds holds, RelayEvents events, DaemonMetrics metrics) {
        this.queue = queue;
        this.host = host;
        this.backoff = backoff;
        this.dsn = new Dsn(host);
        this.holds = holds;
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * The account's pause, while it lasts, or one that began after {@code claimedAt} even if it has ended: then an
     * older message of the account failed after this one was claimed with it, and this one must not overtake it
     * (it is given back untried, and the queue hands the older one out first). Without the second rule a pause that
     * ends while a lane still holds younger messages (a slow disk, or a test's clock moved on) let them go first.
     */
    Optional<Pause> pause(String account, Instant now, Instant claimedAt) {
        Pause pause = paused.get(account);
        return pause != null && (now.isBefore(pause.until()) || !pause.since().isBefore(claimedAt))
                ? Optional.of(pause) : Optional.empty();
    }

    void handle(Entry entry, Account account, byte[] content, Attempt attempt, Instant now) throws IOException {
        if (attempt instanceof Attempt.Delivered) {
            delivered(entry);
        } else if (attempt instanceof Attempt.Temporary temporary) {
            temporary(entry, account, content, temporary.reason(), temporary.retryAfter(), now);
        } else if (attempt instanceof Attempt.Permanent permanent) {
            List<Attempt.Refusal> all = new ArrayList<>();
            entry.envelope().recipients().forEach(r -> all.add(new Attempt.Refusal(r, permanent.reason())));
            bounce(entry, account, content, all, now);
            queue.failed(entry.id(), host, permanent.reason());
        } else if (attempt instanceof Attempt.Refusals refusals) {
            refusals(entry, account, content, refusals, now);
        } else if (attempt instanceof Attempt.LostGrant lost) {
            lostGrant(entry, account, content, lost, now);
        }
    }

    private void delivered(Entry entry) throws IOException {
        paused.remove(entry.envelope().account());
        queue.delivered(entry.id(), host);
        LOG.atInfo().addKeyValue("event", "relay_delivery").addKeyValue("outcome", "delivered").addKeyValue("id", entry.id())
                .log("{}: {} delivered to {} recipient(s)", entry.envelope().account(), entry.id(),
                        entry.envelope().recipients().size());
        events.delivered(entry);
        metrics.relayOutcome(RelayOutcome.DELIVERED);
    }

    /** A temporary failure of the whole message: backoff, or a bounce once it has been queued too long. */
    private void temporary(Entry entry, Account account, byte[] content, String reason, Optional<Duration> retryAfter,
            Instant now) throws IOException {
        if (backoff.expired(entry.envelope().received(), now)) {
            giveUp(entry, account, content, entry.envelope().recipients(), reason, now);
            return;
        }
        Instant next = backoff.next(entry.attempts() + 1, now, retryAfter);
        paused.put(entry.envelope().account(), new Pause(now, next, reason));
        queue.deferred(entry.id(), host, next, reason);
        LOG.atWarn().addKeyValue("event", "relay_delivery").addKeyValue("outcome", "deferred").addKeyValue("id", entry.id())
                .log("{}: {} deferred until {}: {}", entry.envelope().account(), entry.id(), next, reason);
        events.deferred(entry, next, reason);
        metrics.relayOutcome(RelayOutcome.DEFERRED);
    }

    /** Recipients answered one by one: bounce the refused, send the rest again later alone, never the sent. */
    private void refusals(Entry entry, Account account, byte[] content, Attempt.Refusals refusals, Instant now)
            throws IOException {
        if (refusals.sent().isEmpty() && refusals.refused().isEmpty()) {
            temporary(entry, account, content, replies(refusals.later()), Optional.empty(), now);
            return;
        }
        if (!refusals.refused().isEmpty()) {
            bounce(entry, account, content, refusals.refused(), now);
        }
        if (!refusals.later().isEmpty()) {
            List<String> later = refusals.later().stream().map(Attempt.Refusal::recipient).toList();
            if (backoff.expired(entry.envelope().received(), now)) {
                giveUp(entry, account, content, later, replies(refusals.later()), now);
                return;
            }
            Envelope envelope = entry.envelope();
            // A new entry for them alone, under the original arrival time, so max_queue_time still counts from it.
            queue.accept(new Envelope(envelope.account(), envelope.mailFrom(), later, envelope.client(), envelope.received()),
                    new ByteArrayInputStream(content), Long.MAX_VALUE);
        }
        if (refusals.sent().isEmpty() && refusals.later().isEmpty()) {
            queue.failed(entry.id(), host, replies(refusals.refused()));
        } else {
            delivered(entry);
        }
    }

    private void lostGrant(Entry entry, Account account, byte[] content, Attempt.LostGrant lost, Instant now)
            throws IOException {
        if (backoff.expired(entry.envelope().received(), now)) {
            giveUp(entry, account, content, entry.envelope().recipients(), lost.reason(), now);
            return;
        }
        // Due again at once, so it goes first when the hold is lifted; held, so nothing of the account is claimed.
        queue.hold(account.name(), Optional.of(lost.reason()));
        queue.deferred(entry.id(), host, now, lost.reason());
        holds.held(account);
        LOG.atError().addKeyValue("event", "relay_delivery").addKeyValue("outcome", "held").addKeyValue("id", entry.id())
                .log("{}: queue held, the grant is gone: {}; run: {}", account.name(), lost.reason(), lost.fixCommand());
        events.held(account.name(), lost.reason(), lost.fixCommand());
        metrics.relayOutcome(RelayOutcome.HELD);
    }

    /** Out of time: {@code recipients} bounce with the last reason, and the entry is done. */
    private void giveUp(Entry entry, Account account, byte[] content, List<String> recipients, String reason, Instant now)
            throws IOException {
        String why = "gave up after " + backoff.maxQueueTime().toHours() + " hours in the queue: " + reason;
        bounce(entry, account, content, recipients.stream().map(r -> new Attempt.Refusal(r, why)).toList(), now);
        queue.failed(entry.id(), host, why);
    }

    /** Queues a bounce of {@code failed} to the envelope sender; a failed bounce itself is dropped. */
    private void bounce(Entry entry, Account account, byte[] content, List<Attempt.Refusal> failed, Instant now)
            throws IOException {
        Envelope envelope = entry.envelope();
        String reason = replies(failed);
        List<String> recipients = failed.stream().map(Attempt.Refusal::recipient).toList();
        if (envelope.mailFrom().isEmpty() || account == null) {
            LOG.atWarn().addKeyValue("event", "relay_delivery").addKeyValue("outcome", "dropped").addKeyValue("id", entry.id())
                    .log("{}: {} failed ({}); dropped: {}", envelope.account(), entry.id(), reason, account == null
                            ? "no such account to send its bounce" : "it is a bounce, and a bounce never gets a bounce");
            events.dropped(entry, reason);
            metrics.relayOutcome(RelayOutcome.DROPPED);
            return;
        }
        byte[] report = dsn.compose(account.email(), envelope, failed, content, now);
        Entry bounce = queue.accept(new Envelope(envelope.account(), "", List.of(envelope.mailFrom()), "bounce of " + entry.id(), now),
                new ByteArrayInputStream(report), Long.MAX_VALUE);
        LOG.atWarn().addKeyValue("event", "relay_delivery").addKeyValue("outcome", "bounced").addKeyValue("id", entry.id())
                .log("{}: {} failed for {} recipient(s): {}; bounce {} queued", envelope.account(), entry.id(),
                        recipients.size(), reason, bounce.id());
        events.bounced(entry, recipients, reason);
        metrics.relayOutcome(RelayOutcome.BOUNCED);
    }

    private static String replies(List<Attempt.Refusal> refusals) {
        return String.join("; ", refusals.stream().map(r -> r.recipient() + ": " + r.reply()).toList());
    }
}
