package io.oauthmail.server.relay;

import static io.oauthmail.server.relay.JdbcRelayQueueTest.T0;
import static io.oauthmail.server.relay.JdbcRelayQueueTest.accept;
import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two {@link JdbcRelayQueue}s on one PostgreSQL, each with its own pool, as two daemons on two hosts would be. */
class JdbcRelayHostsTest {

    private static final Duration LEASE = Duration.ofMinutes(5);

    private PostgresTestDatabase database;
    private JdbcRelayQueue hostA;
    private JdbcRelayQueue hostB;

    @BeforeEach
    void open() throws Exception {
        database = PostgresTestDatabase.create();
        hostA = JdbcRelayQueue.open(database.url(), 8, 0, Clock.systemUTC());
        hostB = JdbcRelayQueue.open(database.url(), 8, 0, Clock.systemUTC());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {hostA, hostB, database}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    @Tag("slow")
    void twoHostsOfEightWorkersEachClaimEveryMessageExactlyOnceInOrderPerAccount() throws Exception {
        int accounts = 100;
        int perAccount = 20;
        Map<String, List<MessageId>> accepted = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> accepting = new ArrayList<>();
            for (int a = 0; a < accounts; a++) {
                String account = "account" + a;
                RelayQueue via = a % 2 == 0 ? hostA : hostB;
                accepting.add(pool.submit(() -> {
                    List<MessageId> ids = new ArrayList<>();
                    for (int m = 0; m < perAccount; m++) {
                        ids.add(accept(via, account, account + " message " + m).id());
                    }
                    accepted.put(account, ids);
                    return null;
                }));
            }
            for (Future<?> f : accepting) {
                f.get(60, TimeUnit.SECONDS);
            }

            Map<MessageId, AtomicInteger> claims = new ConcurrentHashMap<>();
            Map<String, List<MessageId>> sent = new ConcurrentHashMap<>();
            AtomicInteger delivered = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            int total = accounts * perAccount;
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                JdbcRelayQueue queue = w % 2 == 0 ? hostA : hostB;
                String host = w % 2 == 0 ? "host-a" : "host-b";
                workers.add(pool.submit(() -> {
                    while (delivered.get() < total) {
                        List<Entry> batch = queue.claim(host, 5, LEASE, Instant.now());
                        for (Entry e : batch) {
                            claims.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                            // one message in flight per account: the claim order is the sending order
                            sent.computeIfAbsent(e.envelope().account(), k -> new ArrayList<>()).add(e.id());
                            if (queue.delivered(e.id(), host)) {
                                delivered.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                        if (batch.isEmpty()) {
                            Thread.sleep(2);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(120, TimeUnit.SECONDS);
            }

            assertThat(claims).hasSize(total);
            assertThat(claims.values()).allSatisfy(n -> assertThat(n.get()).as("claims of one message").isEqualTo(1));
            assertThat(refused.get()).isZero();
            assertThat(sent).isEqualTo(accepted);
            assertThat(hostA.counts().queued()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHostThatStopsRenewingLosesItsMessagesToTheOtherWhenItsLeasesEnd() throws Exception {
        try (JdbcRelayQueue a = JdbcRelayQueue.open(database.url(), 2, 0, Clock.fixed(T0, ZoneOffset.UTC));
                JdbcRelayQueue b = JdbcRelayQueue.open(database.url(), 2, 0, Clock.fixed(T0, ZoneOffset.UTC))) {
            for (int i = 0; i < 6; i++) {
                accept(a, "account" + (i % 3), "m" + i);
            }
            List<Entry> taken = a.claim("host-a", 10, LEASE, T0);
            assertThat(taken).hasSize(3);

            assertThat(b.claim("host-b", 10, LEASE, T0.plus(LEASE).minusSeconds(1))).isEmpty();
            List<Entry> returned = b.claim("host-b", 10, LEASE, T0.plus(LEASE));
            assertThat(returned).extracting(Entry::id).containsExactlyElementsOf(taken.stream().map(Entry::id).toList());
            assertThat(returned).allSatisfy(e -> assertThat(e.leasedBy()).contains("host-b"));

            for (Entry e : taken) {
                assertThat(a.delivered(e.id(), "host-a")).as("the dead host's late word").isFalse();
                assertThat(b.delivered(e.id(), "host-b")).isTrue();
            }
            assertThat(b.counts().queued()).isEqualTo(3);
        }
    }
}
