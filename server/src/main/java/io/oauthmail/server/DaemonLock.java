package io.oauthmail.server;

import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One daemon per state folder: an exclusive OS lock on {@code run/serve.lock}, held for the daemon's whole life,
 * with its pid written in the file. A second {@code oauthmail serve} finds the lock taken and stops before it
 * touches anything (above all the first one's control socket, which it used to delete as "stale"). The OS
 * releases the lock when the process dies, so a crash never leaves a home locked; the file itself stays and is
 * reused.
 */
final class DaemonLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DaemonLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file beside the control socket. */
    static Path fileIn(Path runDir) {
        return runDir.resolve("serve.lock");
    }

    /** Takes the lock or says which process holds it. */
    static DaemonLock acquire(Path runDir) {
        Path file = fileIn(runDir);
        FileChannel channel = null;
        try {
            Files.createDirectories(runDir);
            Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwx------"));
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisProcess) {
                lock = null; // a daemon started earlier in this same JVM (a host program, a test)
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new OAuthMailException("oauthmail serve is already running here (pid " + holder + ", state folder "
                        + runDir.getParent() + "); this one stops without touching it",
                        "use the running one (oauthmail status, oauthmail reload), or stop it first: kill " + holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return new DaemonLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new OAuthMailException("cannot take the daemon lock " + file + ": " + e.getMessage(),
                    "check the permissions of " + runDir, e);
        }
    }

    /** The pid the holder wrote, or "unknown" when it has not written it yet. */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? pid : "unknown";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it in any case
        }
        closeQuietly(channel);
    }
}
