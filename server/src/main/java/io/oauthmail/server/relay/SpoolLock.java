package io.oauthmail.server.relay;

import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One owner per spool folder: an OS lock on {@code spool.lock}, held while the spool is open. Leases are kept in
 * memory, so two daemons on one folder would deliver twice; the second one stops instead. The OS drops the lock
 * when the process dies.
 */
final class SpoolLock implements AutoCloseable {

    static final String FILE = "spool.lock";

    private final FileChannel channel;

    private SpoolLock(FileChannel channel) {
        this.channel = channel;
    }

    static SpoolLock acquire(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(FILE), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException inThisProcess) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new OAuthMailException("the relay spool " + dir + " is in use by another oauthmail daemon; two daemons"
                    + " cannot share one spool folder (each would deliver the other's messages)",
                    "stop the other daemon, or give this one its own state folder; several hosts share a queue through"
                            + " PostgreSQL instead");
        }
        return new SpoolLock(channel);
    }

    @Override
    public void close() throws IOException {
        channel.close(); // releases the lock
    }
}
