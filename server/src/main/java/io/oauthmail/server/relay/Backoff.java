package io.oauthmail.server.relay;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a deferred message is tried again, and when the relay gives up on it: doubling waits from {@code first}
 * up to {@code cap}, or longer when the provider said how long ({@code Retry-After}), for {@code maxQueueTime}
 * after the message was accepted; then it bounces. Postfix's defaults are near these (5 days, up to ~67 minutes
 * apart): a relay in front of a printer should keep mail as long as Postfix would.
 *
 * @param first        the wait after the first failure
 * @param cap          the longest wait between two attempts (a provider's Retry-After may ask for more)
 * @param maxQueueTime how long a message is kept after it was accepted before it bounces
 */
public record Backoff(Duration first, Duration cap, Duration maxQueueTime) {

    /** One minute, doubling up to an hour, for five days. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(5));

    public Backoff {
        if (first.isNegative() || first.isZero() || cap.compareTo(first) < 0 || maxQueueTime.isNegative()) {
            throw new IllegalArgumentException("backoff needs 0 < first <= cap and a max queue time of 0 or more");
        }
    }

    /**
     * The next attempt after the {@code attempts}-th failure (1 for the first), at least {@code retryAfter} away
     * when the provider asked for that.
     */
    public Instant next(int attempts, Instant now, Optional<Duration> retryAfter) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30)); // 2^30 minutes is far past any cap
        Duration wait = first.multipliedBy(1L << doublings);
        if (wait.compareTo(cap) > 0) {
            wait = cap;
        }
        if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
            wait = retryAfter.get();
        }
        return now.plus(wait);
    }

    /** True once a message accepted at {@code received} has been queued for {@link #maxQueueTime}. */
    public boolean expired(Instant received, Instant now) {
        return !now.isBefore(received.plus(maxQueueTime));
    }
}
