package io.oauthmail.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/** What {@link EncryptedFileStore} does to its folder as a whole: renames, forcing them to disk, sweeping up. */
final class StoreFolder {

    /** The prefix of the randomly named files of a plain {@code save} (and of every save before prepared ones). */
    static final String TEMP_PREFIX = ".tmp-";
    /**
     * A temporary file is written and renamed within milliseconds; one this old belongs to a process that died.
     * Younger ones are left alone: an older oauthmail may be about to rename it.
     */
    private static final Duration ABANDONED = Duration.ofMinutes(1);

    private StoreFolder() {
    }

    /** The folder opened for {@link #force}; null where folders cannot be opened (Windows): renames are durable there. */
    static FileChannel open(Path dir) {
        try {
            return FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * Forces the folder's entries to disk: a rename is only durable once its folder is (POSIX fsync on the
     * directory). Not every file system allows it; the rename has happened in any case, so a refusal is ignored.
     */
    static void force(FileChannel folder) {
        if (folder == null) {
            return;
        }
        try {
            folder.force(true);
        } catch (IOException e) {
            // e.g. EINVAL on file systems that do not sync directories: nothing more can be done
        }
    }

    /** Opens, forces and closes the folder: for a save that does not hold it open. */
    static void force(Path dir) {
        try (FileChannel folder = open(dir)) {
            force(folder);
        } catch (IOException ignored) {
            // closing a read-only handle loses nothing
        }
    }

    static void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes temporary files of saves whose process died (kill -9 between write and rename). Best effort. */
    static void sweepAbandoned(Path dir) {
        FileTime before = FileTime.from(Instant.now().minus(ABANDONED));
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path temp : temps) {
                if (Files.getLastModifiedTime(temp).compareTo(before) < 0) {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (IOException ignored) {
            // a leftover temporary file wastes a few bytes; it must not fail a refresh
        }
    }
}
