package io.oauthmail.testing;

import io.oauthmail.oauth.DeviceFlow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/** A clock that moves only when told, and a sleeper that moves it instead of sleeping, recording each sleep. */
public final class FakeTime extends Clock {

    private final AtomicReference<Instant> now;
    public FakeTime(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    public void advance(Duration duration) {
        now.updateAndGet(t -> t.plus(duration));
    }

    /** Moves the clock by each sleep asked for, then tells {@code afterSleep} which sleep it was (1, 2, ...). */
    public Sleeper sleeper(IntConsumer afterSleep) {
        return new Sleeper(1, afterSleep);
    }

    /**
     * Like {@link #sleeper(IntConsumer)}, but the first sleep moves the clock by half the time asked only:
     * a sleep that ended early, so the next poll comes too soon.
     */
    public Sleeper wakingEarlyOnce(IntConsumer afterSleep) {
        return new Sleeper(2, afterSleep);
    }

    /** A sleeper of this clock; it records the sleeps asked of it. */
    public final class Sleeper implements io.oauthmail.oauth.Sleeper {
        private final int firstDivisor;
        private final IntConsumer afterSleep;
        private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

        private Sleeper(int firstDivisor, IntConsumer afterSleep) {
            this.firstDivisor = firstDivisor;
            this.afterSleep = afterSleep;
        }

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            advance(sleeps.size() == 1 ? duration.dividedBy(firstDivisor) : duration);
            afterSleep.accept(sleeps.size());
        }

        public List<Duration> sleeps() {
            return List.copyOf(sleeps);
        }
    }
}
