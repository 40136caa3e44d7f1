package io.oauthmail.server.relay;

import java.time.Duration;
import java.time.Instant;

/**
 * When delivery gives way to intake. While clients are sending (accepts less than {@link #QUIET} apart), the
 * delivery side does not claim: on a small machine its work (TLS to the provider, the queue's file removals, and
 * on a test bed the provider itself) takes the processor the clients are waiting for, and a client waits for each
 * 250 while the provider waits for nothing. It claims again once the clients pause, and at the latest
 * {@code longest} after the burst began, so a steady stream is delivered alongside with at most that delay.
 * {@code longest} zero: every message is claimed as soon as it is queued.
 */
final class IntakeGate {

    /** A pause in intake this long ends a burst. */
    static final Duration QUIET = Duration.ofMillis(200);

    private final Duration longest;
    private Instant burstStart;
    private Instant lastAccept;

    IntakeGate(Duration longest) {
        this.longest = longest;
    }

    synchronized void accepted(Instant now) {
        if (lastAccept == null || !now.isBefore(lastAccept.plus(QUIET))) {
            burstStart = now;
        }
        lastAccept = now;
    }

    /** When delivery may claim again: {@code now} or earlier when it may claim at once. */
    synchronized Instant opensAt(Instant now) {
        if (longest.isZero() || lastAccept == null) {
            return now;
        }
        Instant pause = lastAccept.plus(QUIET);
        Instant cap = burstStart.plus(longest);
        Instant at = pause.isBefore(cap) ? pause : cap;
        return at.isBefore(now) ? now : at;
    }
}
