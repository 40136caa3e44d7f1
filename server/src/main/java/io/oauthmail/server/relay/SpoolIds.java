package io.oauthmail.server.relay;

import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue ids: microseconds since the epoch as 16 hex digits, so that sorting ids sorts by acceptance, and strictly
 * increasing: two accepts in one microsecond, a clock set back, or a restart on a folder whose newest id is ahead
 * of the clock all get the next free value instead.
 */
final class SpoolIds {

    private final Clock clock;
    private final AtomicLong last = new AtomicLong();

    SpoolIds(Clock clock) {
        this.clock = clock;
    }

    /** Continues after an id read from the spool. */
    void after(String id) {
        long value = HexFormat.fromHexDigitsToLong(id);
        last.accumulateAndGet(value, Math::max);
    }

    MessageId next() {
        Instant now = clock.instant();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
        long value = last.accumulateAndGet(micros, (previous, clockNow) -> Math.max(previous + 1, clockNow));
        return new MessageId(HexFormat.of().toHexDigits(value));
    }

    /** True for a file name stem this class could have made. */
    static boolean isId(String stem) {
        return stem.length() == 16 && stem.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
}
