package io.oauthmail.server.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.config.Config;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link JdbcRelayQueue} on a real PostgreSQL: the queue's promises, one host at a time. */
class JdbcRelayQueueTest {

    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(5);

    private PostgresTestDatabase database;
    private JdbcRelayQueue queue;

    @BeforeEach
    void open() throws Exception {
        database = PostgresTestDatabase.create();
        queue = JdbcRelayQueue.open(database.url(), 4, 0, Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterEach
    void close() throws Exception {
        if (queue != null) {
            queue.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static Envelope envelope(String account) {
        return new Envelope(account, "printer@example.org", List.of("a@example.com", "b@example.com"), "127.0.0.1", T0);
    }

    static Entry accept(RelayQueue queue, String account, String body) throws IOException {
        return queue.accept(envelope(account), new ByteArrayInputStream(body.getBytes(US_ASCII)), 1 << 20);
    }

    @Test
    void anAcceptedMessageIsCommittedWithItsEnvelopeAndReadsBackAsSent() throws Exception {
        Entry entry = accept(queue, "alice", "Subject: hi\r\n\r\nbody\r\n");

        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_queue")).isEqualTo(1);
        assertThat(queue.find(entry.id())).contains(entry);
        assertThat(entry.envelope().recipients()).containsExactly("a@example.com", "b@example.com");
        assertThat(entry.size()).isEqualTo(21);
        assertThat(new String(queue.open(entry.id()).readAllBytes(), US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        assertThat(queue.counts()).isEqualTo(new RelayQueue.Counts(1, 0, 0, 21, Optional.of(T0)));
    }

    @Test
    void aMessageOverTheLimitIsReadToItsEndAndNothingIsKept() throws Exception {
        ByteArrayInputStream content = new ByteArrayInputStream(new byte[5000]);

        assertThatThrownBy(() -> queue.accept(envelope("alice"), content, 4096)).isInstanceOf(RelayQueue.TooLarge.class);

        assertThat(content.available()).isZero();
        assertThat(queue.list()).isEmpty();
    }

    @Test
    void anAccountsOldestMessageGatesItsYoungerOnesWhileOtherAccountsGoOn() throws Exception {
        Entry a1 = accept(queue, "alice", "a1");
        Entry a2 = accept(queue, "alice", "a2");
        Entry b1 = accept(queue, "bob", "b1");

        assertThat(queue.claim("h1", 10, LEASE, T0)).extracting(Entry::id).containsExactly(a1.id(), b1.id());
        assertThat(queue.claim("h1", 10, LEASE, T0)).isEmpty();
        assertThat(queue.find(a1.id()).orElseThrow().leasedBy()).contains("h1");

        assertThat(queue.deferred(a1.id(), "h1", T0.plusSeconds(60), "451 4.7.0 try later")).isTrue();
        assertThat(queue.claim("h1", 10, LEASE, T0.plusSeconds(30))).as("a2 waits behind a deferred a1").isEmpty();

        List<Entry> again = queue.claim("h1", 10, LEASE, T0.plusSeconds(60));
        assertThat(again).extracting(Entry::id).containsExactly(a1.id());
        assertThat(again.get(0).attempts()).isEqualTo(1);
        assertThat(again.get(0).lastError()).contains("451 4.7.0 try later");

        assertThat(queue.delivered(a1.id(), "h1")).isTrue();
        assertThat(queue.claim("h1", 10, LEASE, T0.plusSeconds(60))).extracting(Entry::id).containsExactly(a2.id());
    }

    @Test
    void anExpiredLeaseReturnsTheMessageAndOnlyTheHolderMaySayItWasDelivered() throws Exception {
        Entry m = accept(queue, "alice", "m");
        assertThat(queue.claim("dead-host", 10, LEASE, T0)).hasSize(1);

        assertThat(queue.claim("other-host", 10, LEASE, T0.plus(LEASE).minusSeconds(1))).isEmpty();
        assertThat(queue.claim("other-host", 10, LEASE, T0.plus(LEASE))).extracting(Entry::id).containsExactly(m.id());

        assertThat(queue.delivered(m.id(), "dead-host")).isFalse();
        assertThat(queue.deferred(m.id(), "dead-host", T0, "late")).isFalse();
        assertThat(queue.failed(m.id(), "other-host", "550 5.1.1 no such user")).isTrue();
        assertThat(queue.list()).isEmpty();
    }

    @Test
    void aHeldAccountIsNotClaimedEvenForMessagesAcceptedLaterUntilReleased() throws Exception {
        accept(queue, "alice", "before");
        queue.hold("alice", Optional.of("the grant was revoked"));
        Entry later = accept(queue, "alice", "after");

        assertThat(later.heldBecause()).contains("the grant was revoked");
        assertThat(queue.claim("h1", 10, LEASE, T0)).isEmpty();
        assertThat(queue.counts().held()).isEqualTo(2);

        queue.hold("alice", Optional.empty());
        assertThat(queue.claim("h1", 10, LEASE, T0)).hasSize(1);
        assertThat(queue.counts().held()).isZero();
    }

    @Test
    void retryMovesTheNextAttemptAndDeleteRemoves() throws Exception {
        Entry a = accept(queue, "alice", "a");
        Entry b = accept(queue, "bob", "b");
        queue.claim("h1", 10, LEASE, T0);
        queue.deferred(a.id(), "h1", T0.plusSeconds(3600), "timeout");
        queue.deferred(b.id(), "h1", T0.plusSeconds(3600), "timeout");
        assertThat(queue.counts().deferred()).isEqualTo(2);

        assertThat(queue.retryNow(a.id(), T0)).isTrue();
        assertThat(queue.find(a.id()).orElseThrow().nextAttempt()).isEqualTo(T0);
        assertThat(queue.retryAll(T0)).isEqualTo(1);
        assertThat(queue.retryNow(new MessageId("nosuch"), T0)).isFalse();

        assertThat(queue.delete(a.id())).isTrue();
        assertThat(queue.delete(a.id())).isFalse();
        assertThat(queue.list()).extracting(Entry::id).containsExactly(b.id());
    }

    @Test
    void theConfiguredMostMessagesMakesTheQueueFullAndKeepsNothingMore() throws Exception {
        try (JdbcRelayQueue small = JdbcRelayQueue.open(database.url(), 2, 2, Clock.fixed(T0, ZoneOffset.UTC))) {
            accept(small, "alice", "1");
            accept(small, "alice", "2");
            assertThatThrownBy(() -> accept(small, "alice", "3")).isInstanceOf(RelayQueue.QueueFull.class)
                    .hasMessageContaining("most messages (2)");
            assertThat(small.list()).hasSize(2);
        }
    }

    @Test
    void aDatabaseThatIsDownSaysSoWithoutThePassword() {
        String url = "jdbc:postgresql://127.0.0.1:1/oauthmail?user=relay&password=s3cret-Relay-pw";

        assertThatThrownBy(() -> JdbcRelayQueue.open(url, 2, 0, Clock.systemUTC()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/oauthmail")
                .hasMessageContaining("check that PostgreSQL is running")
                .hasMessageNotContaining("s3cret-Relay-pw")
                .hasNoCause();
    }

    @Test
    void theQueueGoesToPostgresqlWhenTheTokenStoreIsThereAndToTheSpoolOtherwise() throws Exception {
        Optional<JdbcRelayQueue> shared = JdbcRelayQueue.openFor(config("jdbc", database.url()), 2, 0, Clock.systemUTC());
        try {
            assertThat(shared).isPresent();
            accept(shared.get(), "alice", "shared");
            assertThat(queue.list()).hasSize(1);
        } finally {
            shared.ifPresent(JdbcRelayQueue::close);
        }
        assertThat(JdbcRelayQueue.openFor(config("file", null), 2, 0, Clock.systemUTC())).isEmpty();
        assertThat(JdbcRelayQueue.openFor(config("jdbc", "jdbc:h2:/tmp/x"), 2, 0, Clock.systemUTC())).isEmpty();
    }

    private static Config config(String storeKind, String jdbcUrl) {
        return new Config(Path.of("config.toml"), Path.of("tokens"), null, storeKind, jdbcUrl, Map.of(), Map.of(),
                List.of(), Duration.ofMinutes(5), Duration.ofSeconds(15));
    }
}
