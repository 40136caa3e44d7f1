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
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(id + ".eml")))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(id + ".json")))).isEqualTo("rw-------");
            assertThat(names(folder)).containsExactly(id + ".eml", id + ".json", "spool.lock");
        }
    }

    @Test
    void corruptedFilesAreQuarantinedAndTheRestStaysQueued() throws Exception {
        Path folder = newFolder();
        Entry good;
        Entry garbled;
        Entry truncated;
        Entry orphanedMeta;
        try (FileSpool spool = open(folder)) {
            good = accept(spool, "a", "good");
            garbled = accept(spool, "a", "garbled metadata");
            truncated = accept(spool, "b", "content cut short by a broken disk");
            orphanedMeta = accept(spool, "c", "content lost");
        }
        Files.writeString(folder.resolve(garbled.id() + ".json"), "{\"version\":1,\"id\":\u0001garbage");
        Files.writeString(folder.resolve(truncated.id() + ".eml"), "content cut");
        Files.delete(folder.resolve(orphanedMeta.id() + ".eml"));
        Files.writeString(folder.resolve("README.json"), "not ours");

        try (FileSpool spool = open(folder)) {
            assertThat(spool.list()).extracting(Entry::id).containsExactly(good.id());
            assertThat(read(spool, good.id())).isEqualTo("good");
        }
        assertThat(names(folder.resolve("quarantine"))).containsExactlyInAnyOrder(garbled.id() + ".eml", garbled.id() + ".json",
                orphanedMeta.id() + ".json", "README.json", truncated.id() + ".eml", truncated.id() + ".json");
    }

    @Test
    void anAcceptCutShortBeforeItsRenamesLeavesNoMessage() throws Exception {
        Path folder = newFolder();
        Entry kept = acceptOne(folder, "kept");
        // a kill -9 after the temp writes, and one between the content's rename and the metadata's
        Files.writeString(folder.resolve(".tmp-00063a1b2c3d4e5f.eml"), "half a mess");
        Files.writeString(folder.resolve(".tmp-00063a1b2c3d4e5f.json"), "{\"version\":1");
        Files.writeString(folder.resolve("00063a1b2c3d4e60.eml"), "never acknowledged");

        try (FileSpool spool = open(folder)) {
            assertThat(spool.list()).extracting(Entry::id).containsExactly(kept.id());
        }
        assertThat(names(folder)).containsExactly(kept.id() + ".eml", kept.id() + ".json", "spool.lock");
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
