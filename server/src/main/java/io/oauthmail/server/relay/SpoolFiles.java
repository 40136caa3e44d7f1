package io.oauthmail.server.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
     * Writes a message file: {@code header}, then {@code in}, then the content's byte count into the header at
     * {@code sizeOffset}, and syncs the data (the size included) to disk: one file, one sync. Stops with
     * {@link RelayQueue.TooLarge} past {@code maxBytes} of content (the temp file deleted). Returns the byte count.
     */
    static long writeMessage(Path temp, byte[] header, int sizeOffset, InputStream in, long maxBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, fileMode())) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            buffer.put(header);
            long total = 0;
            for (int n; (n = in.read(buffer.array(), buffer.position(), buffer.remaining())) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new RelayQueue.TooLarge(maxBytes);
                }
                buffer.position(buffer.position() + n);
                if (!buffer.hasRemaining()) {
                    drain(channel, buffer);
                }
            }
            drain(channel, buffer);
            ByteBuffer size = ByteBuffer.wrap(SpoolRecord.size(total));
            for (long at = sizeOffset; size.hasRemaining(); ) {
                at += channel.write(size, at);
            }
            channel.force(false); // the data and the file's length; its name is made durable by the folder's sync
            return total;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static void drain(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
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
        FileChannel folder = openFolder(dir);
        force(folder);
        if (folder != null) {
            try {
                folder.close();
            } catch (IOException e) {
                // nothing was written through it
            }
        }
    }

    /**
     * The folder opened once for {@link #force(FileChannel)}, so that each accept does not open it again; null
     * where folders cannot be opened.
     */
    static FileChannel openFolder(Path dir) {
        try {
            return FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Forces the entries of a folder opened by {@link #openFolder}; as {@link #forceFolder}, where it cannot. */
    static void force(FileChannel folder) {
        if (folder == null) {
            return;
        }
        try {
            folder.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // see forceFolder
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
