package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.config.Config;
import io.oauthmail.server.relay.RelayQueue.Entry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcRelayQueue} on a real PostgreSQL: every promise of {@link RelayQueueContract}, each test in a schema of
 * its own, and what only the database queue does (a committed row, a database that is down, the choice by config).
 */
class JdbcRelayQueueTest extends RelayQueueContract {

    private final List<PostgresTestDatabase> databases = new ArrayList<>();
    private final Map<RelayQueue, String> urls = new IdentityHashMap<>();

    @Override
    protected RelayQueue createQueue() throws Exception {
        return createQueueHolding(0);
    }

    @Override
    protected RelayQueue reopenQueue(RelayQueue queue) throws Exception {
        queue.close();
        return open(urls.get(queue), 0);
    }

    @Override
    protected RelayQueue createQueueHolding(int maxMessages) throws Exception {
        PostgresTestDatabase database = PostgresTestDatabase.create();
        databases.add(database);
        return open(database.url(), maxMessages);
    }

    private RelayQueue open(String url, int maxMessages) throws IOException {
        JdbcRelayQueue queue = JdbcRelayQueue.open(url, 4, maxMessages, Clock.fixed(T0, ZoneOffset.UTC));
        urls.put(queue, url);
        return queue;
    }

    /** Runs before the contract closes the queues: idle pooled connections hold no lock that DROP waits for. */
    @AfterEach
    void dropSchemas() throws Exception {
        for (PostgresTestDatabase database : databases) {
            database.close();
        }
    }

    @Test
    void anAcceptedMessageIsACommittedRowBeforeAcceptReturns() throws Exception {
        RelayQueue queue = createQueue();
        try {
            accept(queue, "a", "Subject: hi\r\n\r\nbody\r\n");
            assertThat(databases.get(0).count("SELECT COUNT(*) FROM oauthmail_relay_queue")).isEqualTo(1);
        } finally {
            queue.close();
        }
    }

    @Test
    void theLeasesOfAProcessThatIsGoneAreReleasedAtOnceAndOnlyThose() throws Exception {
        RelayQueue queue = createQueue();
        try {
            accept(queue, "a", "Subject: 1\r\n\r\nbody\r\n");
            accept(queue, "b", "Subject: 2\r\n\r\nbody\r\n");
            Duration lease = Duration.ofMinutes(10);
            assertThat(queue.claim("host-1", 1, lease, T0)).hasSize(1);
            assertThat(queue.claim("host-2", 1, lease, T0)).hasSize(1);
            assertThat(queue.claim("host-3", 5, lease, T0)).as("both accounts' oldest are leased").isEmpty();

            assertThat(queue.releaseLeases(holder -> holder.equals("host-1"))).isEqualTo(1);
            assertThat(queue.claim("host-3", 5, lease, T0)).as("host-1's message, not host-2's").hasSize(1);
        } finally {
            queue.close();
        }
    }

    @Test
    void aMessageOverTheLimitIsStillReadToItsEndSoTheSmtpSessionGoesOn() throws Exception {
        try (RelayQueue queue = createQueue()) {
            ByteArrayInputStream content = new ByteArrayInputStream(new byte[5000]);
            assertThatThrownBy(() -> queue.accept(envelope("a", T0), content, 4096)).isInstanceOf(RelayQueue.TooLarge.class);
            assertThat(content.available()).isZero();
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
        try (RelayQueue queue = createQueue()) {
            String url = urls.get(queue);
            Optional<JdbcRelayQueue> shared = JdbcRelayQueue.openFor(config("jdbc", url), 2, 0, Clock.systemUTC());
            try {
                assertThat(shared).isPresent();
                accept(shared.get(), "a", "shared");
                assertThat(queue.list()).extracting(Entry::envelope).hasSize(1);
            } finally {
                shared.ifPresent(JdbcRelayQueue::close);
            }
        }
        assertThat(JdbcRelayQueue.openFor(config("file", null), 2, 0, Clock.systemUTC())).isEmpty();
        assertThat(JdbcRelayQueue.openFor(config("jdbc", "jdbc:h2:/tmp/x"), 2, 0, Clock.systemUTC())).isEmpty();
    }

    private static Config config(String storeKind, String jdbcUrl) {
        return new Config(Path.of("config.toml"), Path.of("tokens"), null, storeKind, jdbcUrl, Map.of(), Map.of(),
                List.of(), Duration.ofMinutes(5), Duration.ofSeconds(15));
    }
}
