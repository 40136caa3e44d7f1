package io.oauthmail;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that may pass by itself: the network, a timeout, a 5xx or 429 from the provider. The refresh
 * token is kept; trying again later is the right thing to do, after {@link #retryAfter()} where the provider
 * said how long.
 */
public final class TemporaryFailure extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public TemporaryFailure(String message, String hint, Throwable cause) {
        this(message, hint, cause, null);
    }

    public TemporaryFailure(String message, String hint, Throwable cause, Duration retryAfter) {
        super(message, hint, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the provider asked us to wait (HTTP {@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
