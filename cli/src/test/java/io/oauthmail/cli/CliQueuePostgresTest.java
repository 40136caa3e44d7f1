package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oauthmail.server.relay.JdbcRelayQueue;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail queue} on the PostgreSQL queue (the token store's database), with no daemon on this host: it opens
 * the shared queue itself, and a message another host's worker holds is not deleted under it. Runs when
 * {@code OAUTHMAIL_TEST_PG_URL} names a database, as the other PostgreSQL tests.
 */
class CliQueuePostgresTest {

    private static final String URL = System.getenv("OAUTHMAIL_TEST_PG_URL");

    @TempDir
    Path home;

    @Test
    void aHostWithoutADaemonSeesTheSharedQueueAndCannotDeleteWhatAnotherHostSends() throws Exception {
        assumeTrue(URL != null && !URL.isBlank(),
                "OAUTHMAIL_TEST_PG_URL is not set: PostgreSQL tests skipped (set it to a JDBC URL with user and password)");
        Map<String, String> env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        Files.writeString(home.resolve("config.toml"), "[store]\nkind = \"jdbc\"\njdbc_url = \"" + URL + "\"\n");
        // An account name of this test's own: other tests' messages may share the database.
        String account = "cli-queue-" + System.nanoTime();
        Entry sending;
        Entry waiting;
        try (JdbcRelayQueue queue = JdbcRelayQueue.open(URL, 2, 0, Clock.systemUTC())) {
            Instant now = Instant.now();
            sending = queue.accept(new Envelope(account, "app@example.net", List.of("a@example.net"), "10.0.0.5", now),
                    new ByteArrayInputStream("Subject: one\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)), 10_000);
            // Another host's worker has the first one now.
            assertThat(queue.claim("other-host-4242", 1000, Duration.ofMinutes(5), now)).extracting(Entry::id).contains(sending.id());
            waiting = queue.accept(new Envelope(account + "-b", "app@example.net", List.of("b@example.net"), "10.0.0.5", now),
                    new ByteArrayInputStream("Subject: two\r\n\r\ny\r\n".getBytes(StandardCharsets.US_ASCII)), 10_000);
        }

        SandboxHome.Run list = SandboxHome.run(env, "queue", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern(sending.id() + "  " + account + " .* delivering")
                .contains(waiting.id() + "  " + account + "-b");

        SandboxHome.Run refused = SandboxHome.run(env, "queue", "delete", sending.id().value());
        assertThat(refused.exit()).isEqualTo(ExitCodes.TEMPORARY);
        assertThat(refused.err()).contains("is being delivered right now (by other-host-4242)");

        SandboxHome.Run deleted = SandboxHome.run(env, "queue", "delete", waiting.id().value());
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).startsWith("deleted " + waiting.id());
        try (JdbcRelayQueue queue = JdbcRelayQueue.open(URL, 2, 0, Clock.systemUTC())) {
            assertThat(queue.find(waiting.id())).isEmpty();
            assertThat(queue.find(sending.id())).isPresent();
            queue.delete(sending.id()); // leave the shared database as it was
        }
    }
}
