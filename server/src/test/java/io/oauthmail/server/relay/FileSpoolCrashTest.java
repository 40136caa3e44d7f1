package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real kill -9 of a process in the middle of accepting: every message whose id it printed (its 250), read before
 * or after the kill, is queued and whole when the spool opens again, and at most the one accept that finished
 * unprinted comes extra. (A kill
 * keeps the page cache; what fsync adds against a power cut is not tested here.)
 */
class FileSpoolCrashTest {

    @TempDir
    Path home;

    @Test
    void everyAcknowledgedMessageSurvivesAKill9() throws Exception {
        Path folder = home.resolve("relay");
        int killAfter = 20 + ThreadLocalRandom.current().nextInt(60);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SpoolCrashChild.class.getName(), folder.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, Integer> acknowledged = new LinkedHashMap<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            while (acknowledged.size() < killAfter) {
                String[] line = lines.readLine().split(" ");
                acknowledged.put(line[0], Integer.parseInt(line[1]));
            }
            child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no close (Process's own would close our pipe)
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            // The child went on accepting while this side read: what it printed before the kill was acknowledged
            // too (a line is one write, under the pipe's atomic size, so none is cut short).
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] parts = line.split(" ");
                acknowledged.put(parts[0], Integer.parseInt(parts[1]));
            }
        }

        try (FileSpool spool = FileSpool.open(folder, new FileSpool.Limits(0, 0), Clock.systemUTC())) {
            for (Map.Entry<String, Integer> ack : acknowledged.entrySet()) {
                RelayQueue.MessageId id = new RelayQueue.MessageId(ack.getKey());
                assertThat(spool.find(id)).as("acknowledged %s", id).isPresent();
                try (var in = spool.open(id)) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(SpoolCrashChild.body(ack.getValue()));
                }
            }
            assertThat(spool.list().size() - acknowledged.size()).as("accepted but never acknowledged").isBetween(0, 1);
        }
    }
}
