package io.oauthmail.server.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The system clock plus a shift a test moves: the proxies' token manager sees its tokens expire without the test
 * sleeping, while everything else (the sandbox, the sessions, the manager's own waits) keeps running on real time.
 */
public final class ShiftedClock extends Clock {

    private volatile Clock shifted = Clock.systemUTC();

    @Override
    public Instant instant() {
        return shifted.instant();
    }

    @Override
    public ZoneId getZone() {
        return shifted.getZone();
    }

    /** A copy in {@code zone} at the current shift: it does not follow later moves (the proxies use none). */
    @Override
    public Clock withZone(ZoneId zone) {
        return shifted.withZone(zone);
    }

    /** Moves this clock {@code duration} further ahead of real time. */
    public void advance(Duration duration) {
        shifted = Clock.offset(shifted, duration);
    }
}
