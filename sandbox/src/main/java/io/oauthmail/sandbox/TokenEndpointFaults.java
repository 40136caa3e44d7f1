package io.oauthmail.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Faults of the sandbox's token endpoint, switched on and off by a test while clients talk to it. One fault
 * at a time; setting one replaces the previous. It applies to every token request until {@link #clear()}, or
 * to the next {@link #times(int) n} only.
 *
 * <pre>{@code
 * sandbox.tokenEndpointFaults().dropAnswer().times(1); // the next refresh rotates, and its answer is lost
 * sandbox.tokenEndpointFaults().unavailable(503, Duration.ofSeconds(30));
 * sandbox.tokenEndpointFaults().clear();
 * }</pre>
 */
public final class TokenEndpointFaults {

    /** The longest a hung request is held: a test that forgets to clear its fault does not hold a thread forever. */
    static final Duration MAX_HANG = Duration.ofMinutes(10);
    /** The longest {@link #delay(Duration)} accepted, for the same reason. */
    static final Duration MAX_DELAY = Duration.ofMinutes(10);

    enum Kind { NONE, HANG, DELAY, DROP_ANSWER, UNAVAILABLE, WITHHOLD_REFRESH_TOKEN }

    /** The fault one request gets. {@code delay}, {@code status} and {@code retryAfter} only where they apply. */
    record Fault(Kind kind, Duration delay, int status, Duration retryAfter) {
        static final Fault NONE = new Fault(Kind.NONE, Duration.ZERO, 0, null);
    }

    private Fault fault = Fault.NONE;
    /** How many more requests get the fault; negative for all of them. */
    private int remaining = -1;
    /** Counts {@link #clear()} calls, so a hung request knows it was released. */
    private long clears;
    private boolean closed;

    TokenEndpointFaults() {
    }

    /** Accept each request and never answer it (it is not processed), until {@link #clear()} or the sandbox closes. */
    public synchronized TokenEndpointFaults hang() {
        return set(new Fault(Kind.HANG, Duration.ZERO, 0, null));
    }

    /** Process each request at once, but hold its answer back for {@code delay} (at most 10 minutes). */
    public synchronized TokenEndpointFaults delay(Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("a delay must be between 0 and " + MAX_DELAY + ": " + delay);
        }
        return set(new Fault(Kind.DELAY, delay, 0, null));
    }

    /**
     * Process each request (a refresh rotates: the presented refresh token is spent) and then close the
     * connection without sending a byte of the answer, as when a server or the network fails at that moment.
     */
    public synchronized TokenEndpointFaults dropAnswer() {
        return set(new Fault(Kind.DROP_ANSWER, Duration.ZERO, 0, null));
    }

    /**
     * Process each request normally but leave the refresh token out of a successful answer, as Google does when a
     * web application's code exchange follows a consent given before and the request lacked {@code prompt=consent}.
     */
    public synchronized TokenEndpointFaults withholdRefreshToken() {
        return set(new Fault(Kind.WITHHOLD_REFRESH_TOKEN, Duration.ZERO, 0, null));
    }

    /**
     * Answer each request with {@code status} (e.g. 503, 502, 429) without processing it, with a
     * {@code Retry-After} header in whole seconds when {@code retryAfter} is not null.
     */
    public synchronized TokenEndpointFaults unavailable(int status, Duration retryAfter) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an unavailable answer needs a 4xx or 5xx status: " + status);
        }
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("Retry-After cannot be negative: " + retryAfter);
        }
        return set(new Fault(Kind.UNAVAILABLE, Duration.ZERO, status, retryAfter));
    }

    /** Limits the current fault to the next {@code n} token requests; after them the endpoint is normal again. */
    public synchronized TokenEndpointFaults times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times needs at least 1: " + n);
        }
        remaining = n;
        return this;
    }

    /** Back to normal; requests hung so far are released (their connections closed, still unanswered). */
    public synchronized void clear() {
        fault = Fault.NONE;
        remaining = -1;
        clears++;
        notifyAll();
    }

    private TokenEndpointFaults set(Fault next) {
        fault = Objects.requireNonNull(next);
        remaining = -1;
        return this;
    }

    /** The fault the next token request gets; counts it against {@link #times(int)}. */
    synchronized Fault next() {
        Fault current = fault;
        if (current.kind() != Kind.NONE && remaining > 0 && --remaining == 0) {
            fault = Fault.NONE;
            remaining = -1;
        }
        return current;
    }

    /** Blocks a hung request until {@link #clear()}, the sandbox's close, an interrupt or {@link #MAX_HANG}. */
    synchronized void hold() {
        long releasedBy = clears;
        waitAtMost(MAX_HANG, () -> clears != releasedBy);
    }

    /** Waits out a delay, cut short by the sandbox's close or an interrupt. */
    synchronized void pause(Duration delay) {
        waitAtMost(delay, () -> false);
    }

    private void waitAtMost(Duration most, BooleanSupplier released) {
        long deadline = System.nanoTime() + most.toNanos();
        try {
            for (long left = most.toNanos(); !released.getAsBoolean() && !closed && left > 0;
                    left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }
}
