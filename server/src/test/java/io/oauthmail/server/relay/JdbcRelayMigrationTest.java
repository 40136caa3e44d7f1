package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Flyway's part: the queue's tables from an empty schema, a second run that changes nothing, and daemons starting at once. */
class JdbcRelayMigrationTest {

    private PostgresTestDatabase database;

    @BeforeEach
    void create() throws Exception {
        database = PostgresTestDatabase.create();
    }

    @AfterEach
    void drop() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void anEmptyDatabaseGetsTheTablesAndASecondRunChangesNothing() throws Exception {
        JdbcRelayQueue.open(database.url(), 1, 0, Clock.systemUTC()).close();
        JdbcRelayQueue.open(database.url(), 1, 0, Clock.systemUTC()).close();

        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_schema_history WHERE version = '1' AND success"))
                .isEqualTo(1);
        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_schema_history")).isEqualTo(1);
        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_queue")).isZero();
    }

    @Test
    void aSchemaThatAlreadyHoldsTheTokenStoresTablesGetsTheQueueBesideThem() throws Exception {
        database.sql("CREATE TABLE " + database.schema + ".oauthmail_tokens (account VARCHAR(1000) PRIMARY KEY)");
        database.sql("INSERT INTO " + database.schema + ".oauthmail_tokens VALUES ('alice')");

        JdbcRelayQueue.open(database.url(), 1, 0, Clock.systemUTC()).close();

        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_queue")).isZero();
        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_tokens")).isEqualTo(1);
    }

    @Test
    @Tag("slow")
    void threeProcessesMigratingAtOnceApplyTheMigrationOnce() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // each process waits for the same instant, so the migrations overlap even though JVMs start unevenly
        String start = Long.toString(Instant.now().plusSeconds(4).toEpochMilli());
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", classPath, Migrate.class.getName(), database.schema, start);
            pb.environment().put("OAUTHMAIL_TEST_PG_URL", PostgresTestDatabase.URL); // not on the command line: ps shows it
            processes.add(pb.redirectErrorStream(true).start());
        }
        for (Process p : processes) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("migrated at");
        }

        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_schema_history")).isEqualTo(1);
        assertThat(database.count("SELECT COUNT(*) FROM oauthmail_relay_queue")).isEqualTo(3);
    }

    /** One "daemon": waits for the start instant, opens the queue (migrating it) and queues a message. */
    static final class Migrate {
        public static void main(String[] args) throws Exception {
            String url = System.getenv("OAUTHMAIL_TEST_PG_URL") + "&currentSchema=" + args[0];
            Thread.sleep(Math.max(0, Long.parseLong(args[1]) - System.currentTimeMillis()));
            try (JdbcRelayQueue queue = JdbcRelayQueue.open(url, 1, 0, Clock.systemUTC())) {
                JdbcRelayQueueTest.accept(queue, "alice", "hello");
                System.out.println("migrated at " + Instant.now() + " in " + Duration.ofMillis(
                        System.currentTimeMillis() - Long.parseLong(args[1])).toMillis() + " ms after the start");
            }
        }
    }
}
