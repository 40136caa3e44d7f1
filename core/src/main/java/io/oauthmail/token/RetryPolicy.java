package io.oauthmail.token;

import io.oauthmail.error.TemporaryFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * How often and how long to retry a refresh that failed for a temporary reason: {@code attempts} tries in
 * all, waiting {@code initialDelay}, then twice that, and so on, never longer than {@code maxDelay}. A
 * provider's {@code Retry-After} replaces the computed delay when it is within {@code maxDelay}; a longer one
 * ends the retries at once (the caller is told how long to wait).
 */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay) {

    /** Three tries, 1 s then 2 s apart, at most 10 s: short enough for a mail client waiting on a password command. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(10));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    /**
     * The wait before attempt {@code next} after {@code failure}: the provider's {@code Retry-After}, else the
     * backoff. Empty when the attempts are spent or the wait is longer than {@code maxDelay}: give up with the
     * failure then. The one rule for every retry loop (token refresh, the Gmail API and Graph).
     */
    public Optional<Duration> waitBefore(int next, TemporaryFailure failure) {
        if (next > attempts) {
            return Optional.empty();
        }
        Duration wait = failure.retryAfter().orElse(delayBefore(next));
        return wait.compareTo(maxDelay) > 0 ? Optional.empty() : Optional.of(wait);
    }

    /** The wait before attempt {@code next} (2 for the first retry). */
    public Duration delayBefore(int next) {
        Duration delay = initialDelay.multipliedBy(1L << Math.min(20, next - 2));
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
