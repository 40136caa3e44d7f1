package io.oauthmail.server.relay;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the relay keeps a message between the client's {@code 250} and its delivery: a folder under the state
 * folder ({@code FileSpool}, the default, no server needed) or a PostgreSQL database shared by several daemons
 * ({@code JdbcRelayQueue}). Both keep the same promises, which {@code RelayQueueContract} tests on each:
 *
 * <ul>
 *   <li><b>Durable before acknowledged.</b> {@link #accept} returns only when the message and its envelope are on
 *       disk (written and fsync'd, file and folder) or committed; only then does the client hear {@code 250}.
 *       A failure (disk full, database down) throws, and nothing is left queued.</li>
 *   <li><b>Delivered once.</b> A message is handed to one worker at a time: {@link #claim} leases it to a
 *       {@code host} until the lease ends; a host that dies loses its leases when they expire and another host
 *       claims the messages again (the one window for a second delivery: a host that dies after the provider's
 *       {@code 250} and before {@link #delivered}; SMTP itself has the same window).</li>
 *   <li><b>In order per account.</b> {@link #claim} hands out an account's messages oldest first, and never a
 *       message while an older one of the same account is leased, held or not yet due (deferred), so a provider
 *       that returns after an outage gets each account's mail in the order it was accepted. A queue may hand out
 *       only each account's oldest message (one in flight per account), or several of an account to one host,
 *       oldest first; the host then delivers them in that order.</li>
 *   <li><b>Nothing printed.</b> {@link Entry} holds the envelope and counts, never the content; only
 *       {@link #open} reads it.</li>
 * </ul>
 *
 * <p>Implementations are safe for use by many threads (and, for the database one, by many processes).
 */
public interface RelayQueue extends AutoCloseable {

    /**
     * Stores a message durably and returns its entry, due at {@code envelope.received()} (not the queue's own
     * clock: the caller's time decides, as in {@link #claim}). {@code content} is read to its end (the message as
     * the client sent it in DATA, dot-unstuffed, CRLF line ends); more than {@code maxBytes} throws
     * {@link TooLarge} and keeps nothing. A message of an account that is held is held from the start.
     *
     * @throws TooLarge  the message is over {@code maxBytes}
     * @throws QueueFull the spool has no room (disk space under its reserve, or the configured most messages)
     * @throws IOException anything else that kept it from being stored; nothing is kept
     */
    Entry accept(Envelope envelope, InputStream content, long maxBytes) throws IOException;

    /**
     * Leases up to {@code max} messages that are due ({@code nextAttempt <= now}), not held and not leased, to
     * {@code host} for {@code lease}; see the ordering promise above.
     */
    List<Entry> claim(String host, int max, Duration lease, Instant now) throws IOException;

    /** The message's content, as accepted. */
    InputStream open(MessageId id) throws IOException;

    /** Delivered: removed from the queue. Only the holder of the lease may say so; false if it no longer holds it. */
    boolean delivered(MessageId id, String host) throws IOException;

    /** A temporary failure: kept, attempts + 1, next attempt at {@code next}, the lease given back. */
    boolean deferred(MessageId id, String host, Instant next, String reason) throws IOException;

    /** A permanent failure (after its bounce was queued or sent): removed, like {@link #delivered}. */
    boolean failed(MessageId id, String host, String reason) throws IOException;

    /**
     * Ends every live lease whose holder {@code gone} says has died, so its messages are claimable now rather than
     * when the leases run out; returns how many. A daemon restarted after a crash calls it for its own earlier
     * process: on PostgreSQL the account's oldest message, leased by the dead process, would otherwise hold that
     * account's mail for the whole lease. Leases that live only in memory (the file spool) died with their process.
     */
    default int releaseLeases(java.util.function.Predicate<String> gone) throws IOException {
        return 0;
    }

    /** Holds (or, with {@code reason} empty, releases) every message of {@code account}: a lost grant. */
    void hold(String account, Optional<String> reason) throws IOException;

    /** Every message, oldest first; no content. */
    List<Entry> list() throws IOException;

    Optional<Entry> find(MessageId id) throws IOException;

    /** Due now: the next attempt moved to {@code now} (held accounts stay held). False if there is no such message. */
    boolean retryNow(MessageId id, Instant now) throws IOException;

    /** Every message not yet due made due now (held accounts stay held); returns how many moved. */
    int retryAll(Instant now) throws IOException;

    /** Removed without delivery (the user asked); false if there is no such message. */
    boolean delete(MessageId id) throws IOException;

    /** Counts for {@code status} and {@code /metrics}. */
    Counts counts() throws IOException;

    @Override
    void close() throws IOException;

    /** A queued message's identifier: letters and digits only, safe in a file name and a command line. */
    record MessageId(String value) {
        public MessageId {
            if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
                throw new IllegalArgumentException("not a queue id: " + value);
            }
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /**
     * Who sent what to whom.
     *
     * @param account    the account that sends it (chosen by the login, the envelope sender or the listener's default)
     * @param mailFrom   the envelope sender ({@code MAIL FROM}); empty for a bounce ({@code <>})
     * @param recipients the envelope recipients ({@code RCPT TO}), in order, at least one
     * @param client     the client's address, for the log and {@code queue show}
     * @param received   when the client's DATA ended
     */
    record Envelope(String account, String mailFrom, List<String> recipients, String client, Instant received) {
        public Envelope {
            recipients = List.copyOf(recipients);
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("no recipients");
            }
        }
    }

    /**
     * A queued message without its content.
     *
     * @param size        bytes of content
     * @param attempts    delivery attempts so far
     * @param nextAttempt when it is due
     * @param lastError   why the last attempt failed, if one did (never a token or a password)
     * @param heldBecause set while the account's queue is held
     * @param leasedBy    the host delivering it, while leased
     */
    record Entry(MessageId id, Envelope envelope, long size, int attempts, Instant nextAttempt,
            Optional<String> lastError, Optional<String> heldBecause, Optional<String> leasedBy) {
    }

    /**
     * @param queued   every message
     * @param deferred messages tried at least once and not held
     * @param held     messages of held accounts
     * @param bytes    their content, in all
     * @param oldest   when the oldest queued message was accepted
     */
    record Counts(int queued, int deferred, int held, long bytes, Optional<Instant> oldest) {
    }

    /** {@link #accept}: over the size limit; the client hears {@code 552 5.3.4}. */
    final class TooLarge extends IOException {
        public TooLarge(long maxBytes) {
            super("message over the size limit of " + maxBytes + " bytes");
        }
    }

    /** {@link #accept}: no room; the client hears {@code 452 4.3.1} and may try again later. */
    final class QueueFull extends IOException {
        public QueueFull(String why) {
            super(why);
        }
    }
}
