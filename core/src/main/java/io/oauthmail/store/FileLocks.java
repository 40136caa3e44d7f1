package io.oauthmail.store;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.TokenStore.AccountLock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-account exclusive locks that hold across processes: an in-process {@link ReentrantLock} first (the
 * JVM throws on a second {@code FileChannel.lock} of one file from one process), then an OS lock on the
 * account's lock file. The OS releases the file lock if the process dies, so a crash never leaves it held.
 */
final class FileLocks {

    private final Map<Path, ReentrantLock> inProcess = new ConcurrentHashMap<>();

    /**
     * Another store instance in this same process (tests, or two libraries sharing a folder) gets
     * OverlappingFileLockException instead of blocking: wait for it like for another process.
     */
    private static FileLock lockWaiting(FileChannel channel) throws IOException {
        while (true) {
            try {
                return channel.lock();
            } catch (OverlappingFileLockException heldHere) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the lock", e);
                }
            }
        }
    }

    AccountLock acquire(String account, Path lockFile) {
        ReentrantLock local = inProcess.computeIfAbsent(lockFile, f -> new ReentrantLock());
        local.lock();
        if (local.getHoldCount() > 1) {
            return local::unlock; // re-entered by the thread that already holds the file lock
        }
        try {
            FilePermissions.createOwnerOnlyDirectories(lockFile.getParent());
            FileChannel channel = FileChannel.open(lockFile, java.util.Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), FilePermissions.ownerOnlyFile());
            FileLock osLock = lockWaiting(channel);
            return () -> {
                try {
                    osLock.release();
                    channel.close();
                } catch (IOException ignored) {
                    // closing the channel releases the lock in any case
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw new OAuthMailException("cannot lock the tokens of account " + account + " (" + lockFile + "): "
                    + e.getMessage(), "check the permissions of " + lockFile.getParent(), e);
        }
    }
}
