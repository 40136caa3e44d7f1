package io.oauthmail.server.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The spool's file primitives: owner-only temp files, written and forced, then renamed into place, the folder
 * forced after. Written here rather than reusing core's store helpers, which are package-private to the token
 * store and do not force the data of a plain write.
 */
final class SpoolFiles {

    /** Prefix of files not yet renamed into place; whatever carries it after a crash was never acknowledged. */
    static final String TEMP_PREFIX = ".tmp-";

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<StandardOpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private SpoolFiles() {
    }

    static Path ownerOnlyFolder(Path dir) throws IOException {
        Files.createDirectories(dir, folderMode());
        if (POSIX) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        return dir;
    }

    /** A new owner-only temp file beside {@code target}; the caller renames or deletes it. */
    static Path temp(Path dir, String name) {
        return dir.resolve(TEMP_PREFIX + name);
    }

    /**
     * Copies {@code in} into a new temp file, forcing it to disk; stops with {@link RelayQueue.TooLarge} past
     * {@code maxBytes} (the temp file deleted). Returns the byte count.
     */
    static long writeForced(Path temp, InputStream in, long maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, fileMode())) {
            OutputStream out = Channels.newOutputStream(channel);
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new RelayQueue.TooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            channel.force(true);
            return total;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    static void writeForced(Path temp, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, fileMode())) {
            OutputStream out = Channels.newOutputStream(channel);
            out.write(bytes);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Replaces {@code file} atomically and durably with {@code bytes}. */
    static void replace(Path dir, Path file, byte[] bytes) throws IOException {
        Path temp = temp(dir, file.getFileName().toString());
        Files.deleteIfExists(temp); // a leftover of a crash; we hold the spool's lock, nobody else writes here
        writeForced(temp, bytes);
        rename(temp, file);
        forceFolder(dir);
    }

    /**
     * Forces the folder's entries (the renames) to disk. Where folders cannot be opened or synced (Windows, some
     * file systems) the rename has happened in any case and nothing more can be done.
     */
    static void forceFolder(Path dir) {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // see above
        }
    }

    private static FileAttribute<?>[] fileMode() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    private static FileAttribute<?>[] folderMode() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
    }
}
