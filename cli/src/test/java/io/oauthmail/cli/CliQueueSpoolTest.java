package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.server.relay.FileSpool;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail queue} with no daemon running: it opens the spool named by {@code [relay] spool} itself, under the
 * spool's lock, and says so plainly when something else holds that lock without answering.
 */
class CliQueueSpoolTest {

    @TempDir
    Path home;
    private Map<String, String> env;
    private Path spool;

    @BeforeEach
    void config() throws Exception {
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        spool = home.resolve("spool");
        Files.writeString(home.resolve("config.toml"), "[relay]\nspool = \"" + spool + "\"\n");
    }

    private Entry[] queued() throws Exception {
        try (FileSpool files = FileSpool.open(spool, new FileSpool.Limits(0, 0), Clock.systemUTC())) {
            Instant now = Instant.now();
            Entry office = files.accept(new Envelope("office", "scanner@corp.example", List.of("a@example.net"), "192.0.2.7",
                    now.minus(Duration.ofHours(3))), new ByteArrayInputStream("Subject: scan\r\n\r\npages\r\n".getBytes(
                            StandardCharsets.US_ASCII)), 10_000);
            Entry lost = files.accept(new Envelope("lost", "", List.of("b@example.net"), "127.0.0.1", now),
                    new ByteArrayInputStream("Subject: bounce\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), 10_000);
            files.claim("earlier-run", 10, Duration.ofMinutes(1), now);
            files.deferred(office.id(), "earlier-run", now.plus(Duration.ofHours(1)), "421 4.7.0 Try again later, closing connection");
            files.deferred(lost.id(), "earlier-run", now.plus(Duration.ofHours(1)), "454 4.7.0 the token was refused");
            files.hold("lost", Optional.of("the grant was revoked"));
            return new Entry[] {office, lost};
        }
    }

    @Test
    void withoutADaemonItOpensTheSpoolItselfAndAnEmptyOneIsNotCreated() throws Exception {
        SandboxHome.Run empty = SandboxHome.run(env, "queue");
        assertThat(empty.exit()).as(empty.err()).isZero();
        assertThat(empty.out()).isEqualTo("the relay queue is empty\n");
        assertThat(spool).doesNotExist();

        Entry[] entries = queued();
        SandboxHome.Run list = SandboxHome.run(env, "queue", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).satisfiesExactly(
                office -> assertThat(office).startsWith(entries[0].id() + "  office ").contains("scanner@corp.example -> a@example.net")
                        .contains("3h old").contains("tries 1").contains("next in 59m").contains("deferred")
                        .contains("421 4.7.0 Try again later, closing connection"),
                lost -> assertThat(lost).contains(" <> -> b@example.net").contains("next -").contains(" held "),
                summary -> assertThat(summary).startsWith("2 message(s), ").contains("1 deferred, 1 held (lost: oauthmail login ACCOUNT)")
                        .endsWith("oldest 3h old"));

        SandboxHome.Run show = SandboxHome.run(env, "queue", "show", entries[1].id().value());
        assertThat(show.out()).contains("state:         held").contains("next attempt:  when the account logs in again").contains("held:          the grant was revoked")
                .contains("oauthmail login lost").contains("last error:    454 4.7.0 the token was refused");

        SandboxHome.Run held = SandboxHome.run(env, "queue", "retry", entries[1].id().value());
        assertThat(held.exit()).isZero();
        assertThat(held.out()).contains("stays held: the grant was revoked").contains("oauthmail login lost");
        assertThat(SandboxHome.run(env, "queue", "retry", "--all").out()).isEqualTo("1 message(s) due now; 1 held until their"
                + " account logs in again (see: oauthmail queue list)\n");
        assertThat(SandboxHome.run(env, "queue", "show", entries[0].id().value()).out()).contains("(now)");

        SandboxHome.Run deleted = SandboxHome.run(env, "queue", "delete", entries[0].id().value());
        assertThat(deleted.out()).startsWith("deleted " + entries[0].id() + "  office");
        assertThat(spool.resolve(entries[0].id() + ".msg")).doesNotExist();
        assertThat(SandboxHome.run(env, "queue", "show", entries[0].id().value()).exit()).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void aSpoolLockedByAProcessThatDoesNotAnswerIsSaidPlainly() throws Exception {
        queued();
        // Another process holding the spool's lock (a POSIX lock, as Java's): a daemon hung, or one still starting.
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'a'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
                spool.resolve("spool.lock").toString()).redirectErrorStream(true).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("locked");
            SandboxHome.Run locked = SandboxHome.run(env, "queue", "list");
            assertThat(locked.exit()).isEqualTo(ExitCodes.TEMPORARY);
            assertThat(locked.err()).contains("the relay queue " + spool + " is locked by a process that does not answer")
                    .contains("fuser -v " + spool.resolve("spool.lock")).doesNotContain("\tat ");
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(SandboxHome.run(env, "queue", "list").exit()).isZero();
    }
}
