package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.relay.RelayQueue.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded spool, and what only a folder can get wrong. */
class FileSpoolTest extends RelayQueueContract {

    @TempDir
    Path home;

    private final Clock clock = Clock.system(ZoneOffset.UTC);
    private int folders;

    private Path newFolder() {
        return home.resolve("relay" + folders++);
    }

    @Override
    protected RelayQueue createQueue() throws Exception {
        return FileSpool.open(newFolder(), new FileSpool.Limits(0, 0), clock);
    }

    @Override
    protected RelayQueue reopenQueue(RelayQueue queue) throws Exception {
        Path folder = ((FileSpool) queue).folder();
        queue.close();
        return FileSpool.open(folder, new FileSpool.Limits(0, 0), clock);
    }

    @Override
    protected RelayQueue createQueueHolding(int maxMessages) throws Exception {
        return FileSpool.open(newFolder(), new FileSpool.Limits(0, maxMessages), clock);
    }

    private FileSpool open(Path folder) throws Exception {
        return FileSpool.open(folder, new FileSpool.Limits(0, 0), clock);
    }

    /** Accepts one message in a spool opened and closed for it. */
    private Entry acceptOne(Path folder, String body) throws Exception {
        try (FileSpool spool = open(folder)) {
            return accept(spool, "a", body);
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesAreTheOwnersAlone() throws Exception {
        Path folder = newFolder();
        try (FileSpool spool = open(folder)) {
            Entry entry = accept(spool, "a", "secret mail");
            String id = entry.id().value();

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(id + ".msg")))).isEqualTo("rw-------");
            assertThat(names(folder)).containsExactly(id + ".msg", "spool.lock");

            spool.hold("a", java.util.Optional.of("its grant was lost"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(id + ".json")))).isEqualTo("rw-------");
            assertThat(names(folder)).containsExactly(id + ".json", id + ".msg", "spool.lock");
        }
    }

    @Test
    void corruptedFilesAreQuarantinedAndTheRestStaysQueued() throws Exception {
        Path folder = newFolder();
        Entry good;
        Entry deferred;
        Entry garbledState;
        Entry garbledHeader;
        Entry truncated;
        Entry delivered;
        try (FileSpool spool = open(folder)) {
            good = accept(spool, "a", "good");
            deferred = accept(spool, "b", "deferred once");
            garbledState = accept(spool, "c", "garbled state");
            garbledHeader = accept(spool, "d", "garbled envelope");
            truncated = accept(spool, "e", "content cut short by a broken disk");
            delivered = accept(spool, "f", "delivered, but its state file stayed behind");
            Instant now = Instant.now();
            for (Entry entry : List.of(deferred, garbledState, delivered)) {
                spool.claim("here", 10, java.time.Duration.ofMinutes(1), now);
                assertThat(spool.deferred(entry.id(), "here", now.plusSeconds(60), "451 try later")).isTrue();
            }
        }
        Files.writeString(folder.resolve(garbledState.id() + ".json"), "{\"version\":2,\"id\":\u0001garbage");
        byte[] header = Files.readAllBytes(folder.resolve(garbledHeader.id() + ".msg"));
        header[header.length / 3] = 0; // inside the envelope's JSON line
        Files.write(folder.resolve(garbledHeader.id() + ".msg"), header);
        byte[] whole = Files.readAllBytes(folder.resolve(truncated.id() + ".msg"));
        Files.write(folder.resolve(truncated.id() + ".msg"), java.util.Arrays.copyOf(whole, whole.length - 10));
        Files.delete(folder.resolve(delivered.id() + ".msg")); // a crash between a removal's two deletes
        Files.writeString(folder.resolve("README.json"), "not ours");
        Files.writeString(folder.resolve("00063a1b2c3d4e5f.eml"), "an older spool's content");

        try (FileSpool spool = open(folder)) {
            assertThat(spool.list()).extracting(Entry::id).containsExactly(good.id(), deferred.id());
            assertThat(read(spool, good.id())).isEqualTo("good");
            assertThat(read(spool, deferred.id())).isEqualTo("deferred once");
            assertThat(spool.find(deferred.id()).orElseThrow().attempts()).isEqualTo(1);
            assertThat(spool.find(deferred.id()).orElseThrow().lastError()).contains("451 try later");
        }
        assertThat(names(folder.resolve("quarantine"))).containsExactlyInAnyOrder(garbledState.id() + ".msg",
                garbledState.id() + ".json", garbledHeader.id() + ".msg", truncated.id() + ".msg", "README.json",
                "00063a1b2c3d4e5f.eml");
        assertThat(names(folder)).containsExactlyInAnyOrder(good.id() + ".msg", deferred.id() + ".msg",
                deferred.id() + ".json", "quarantine", "spool.lock");
    }

    @Test
    void anAcceptCutShortBeforeItsRenamesLeavesNoMessage() throws Exception {
        Path folder = newFolder();
        Entry kept = acceptOne(folder, "kept");
        // a kill -9 before the rename, and one while a state file was being replaced
        Files.writeString(folder.resolve(".tmp-00063a1b2c3d4e5f.msg"), "half a mess");
        Files.writeString(folder.resolve(".tmp-" + kept.id() + ".json"), "{\"version\":2");

        try (FileSpool spool = open(folder)) {
            assertThat(spool.list()).extracting(Entry::id).containsExactly(kept.id());
            assertThat(read(spool, kept.id())).isEqualTo("kept");
        }
        assertThat(names(folder)).containsExactly(kept.id() + ".msg", "spool.lock");
    }

    @Test
    void twoDaemonsCannotShareASpool() throws Exception {
        Path folder = newFolder();
        try (FileSpool first = open(folder)) {
            assertThatThrownBy(() -> open(folder)).isInstanceOf(OAuthMailException.class)
                    .hasMessageContaining("in use by another oauthmail daemon");
            assertThat(first.list()).isEmpty();
        }
        open(folder).close();
    }

    @Test
    void idsKeepRisingAfterARestartWithTheClockSetBack() throws Exception {
        Path folder = newFolder();
        Entry before = acceptOne(folder, "x");
        Clock past = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (FileSpool spool = FileSpool.open(folder, new FileSpool.Limits(0, 0), past)) {
            Entry after = accept(spool, "a", "y");
            Entry later = accept(spool, "a", "z");
            assertThat(after.id().value()).isGreaterThan(before.id().value());
            assertThat(later.id().value()).isGreaterThan(after.id().value());
        }
    }

    @Test
    void aDiskUnderItsReserveIsFullAndKeepsNothing() throws Exception {
        Path folder = newFolder();
        try (FileSpool spool = FileSpool.open(folder, new FileSpool.Limits(Long.MAX_VALUE, 0), clock)) {
            assertThatThrownBy(() -> accept(spool, "a", "x")).isInstanceOf(RelayQueue.QueueFull.class)
                    .hasMessageContaining("under its reserve");
            assertThat(spool.list()).isEmpty();
            assertThat(names(folder)).containsExactly("spool.lock");
        }
        assertThat(new String(Files.readAllBytes(folder.resolve("spool.lock")), StandardCharsets.UTF_8)).isEmpty();
    }
}
