package io.oauthmail.error;

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
    private final boolean requestMayHaveArrived;

    public TemporaryFailure(String message, String hint, Throwable cause) {
        this(message, hint, cause, null);
    }

    public TemporaryFailure(String message, String hint, Throwable cause, Duration retryAfter) {
        this(message, hint, cause, retryAfter, false);
    }

    /**
     * @param requestMayHaveArrived the request was sent and its answer lost (connection dropped, no answer in
     *                              time): the server may have acted on it, e.g. rotated a refresh token
     */
    public TemporaryFailure(String message, String hint, Throwable cause, Duration retryAfter,
            boolean requestMayHaveArrived) {
        super(message, hint, cause);
        this.retryAfter = retryAfter;
        this.requestMayHaveArrived = requestMayHaveArrived;
    }

    /**
     * True when a request was sent but its answer never came: the server may have acted on it. Sending it again
     * is then a decision, not a reflex (a refresh token it rotated is spent).
     */
    public boolean requestMayHaveArrived() {
        return requestMayHaveArrived;
    }

    /** How long the provider asked us to wait (HTTP {@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
