package io.oauthmail.server.ops;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value read at most once a second: the relay's gauges are read at every scrape, three of them from one count,
 * and a count may be a database query. Hand-written: Caffeine would be a library for one cached value.
 */
final class EverySecond<T> implements Supplier<T> {

    private static final long TTL = TimeUnit.SECONDS.toNanos(1);

    private final Supplier<T> source;
    private final LongSupplier nanos;
    private T value;
    private long readAt;

    EverySecond(Supplier<T> source, LongSupplier nanos) {
        this.source = source;
        this.nanos = nanos;
    }

    @Override
    public synchronized T get() {
        long now = nanos.getAsLong();
        if (value == null || now - readAt >= TTL) {
            value = source.get();
            readAt = now;
        }
        return value;
    }
}
