package io.oauthmail.bench;

import io.oauthmail.account.TokenSet;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.token.TokenManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N threads (default 1,000) ask at once for the access token of one account whose token has expired.
 * Checks that the OAuth server saw exactly one refresh request per round, and reports each thread's wait
 * (p50, p99, max) against a baseline round in the same process where the token is still valid.
 *
 * <p>Run: {@code bench/run ConcurrentRefresh [THREADS] [ROUNDS]}
 */
public final class ConcurrentRefreshBench {

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path home = Files.createTempDirectory("oauthmail-bench-");
        try (Sandbox sandbox = Sandbox.start()) {
            SandboxHome setup = new SandboxHome(sandbox, home, "alice@sandbox.test");
            TokenManager tokens = new TokenManager(setup.store, Clock.systemUTC());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long[] cached = new long[0];
            long[] expired = new long[0];
            for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not counted
                long[] baseline = waits(pool, threads, tokens, setup, false);
                TokenSet before = setup.store.load(setup.account.name()).orElseThrow();
                setup.store.save(setup.account.name(), before.withExpiresAt(Instant.now().minusSeconds(1)));
                int requests = sandbox.tokenRequests("refresh_token");
                long[] refreshed = waits(pool, threads, tokens, setup, true);
                int made = sandbox.tokenRequests("refresh_token") - requests;
                if (made != 1) {
                    throw new IllegalStateException("round " + round + ": " + made + " refresh requests, expected exactly 1");
                }
                if (round > 0) {
                    cached = concat(cached, baseline);
                    expired = concat(expired, refreshed);
                }
            }
            pool.shutdown();
            System.out.printf(Locale.ROOT, "%d threads x %d rounds; refresh requests per round: exactly 1 (checked at the OAuth server)%n",
                    threads, rounds);
            report("valid token (baseline)", cached);
            report("expired token (1 refresh)", expired);
            System.out.printf(Locale.ROOT, "ratio expired/valid: p50 %.1fx, p99 %.1fx%n",
                    percentile(expired, 50) / percentile(cached, 50), percentile(expired, 99) / percentile(cached, 99));
        }
    }

    /** Every thread waits at a latch, then asks; returns each thread's wait in nanoseconds. */
    private static long[] waits(ExecutorService pool, int threads, TokenManager tokens, SandboxHome setup, boolean mustChange)
            throws Exception {
        String old = setup.store.load(setup.account.name()).orElseThrow().accessToken();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        Future<?>[] futures = new Future<?>[threads];
        long[] waits = new long[threads];
        String[] seen = new String[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            futures[i] = pool.submit(() -> {
                ready.countDown();
                go.await();
                long start = System.nanoTime();
                seen[index] = tokens.accessToken(setup.account);
                waits[index] = System.nanoTime() - start;
                return null;
            });
        }
        ready.await();
        go.countDown();
        for (Future<?> future : futures) {
            future.get();
        }
        Set<String> distinct = new HashSet<>(Arrays.asList(seen));
        if (distinct.size() != 1 || (mustChange && distinct.contains(old))) {
            throw new IllegalStateException("threads saw " + distinct.size() + " different tokens");
        }
        return waits;
    }

    private static void report(String label, long[] nanos) {
        System.out.printf(Locale.ROOT, "%-28s p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms   (%d waits)%n", label,
                percentile(nanos, 50) / 1e6, percentile(nanos, 99) / 1e6, percentile(nanos, 100) / 1e6, nanos.length);
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
