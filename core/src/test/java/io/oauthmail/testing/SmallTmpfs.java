package io.oauthmail.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A tiny tmpfs mounted on a folder, to make a real "No space left on device". Mounting needs root (or
 * CAP_SYS_ADMIN): where it is refused the test is skipped, saying why.
 */
public final class SmallTmpfs implements AutoCloseable {

    private final Path mountPoint;

    private SmallTmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code kilobytes} on {@code mountPoint} (an empty folder), or skips the test. */
    public static SmallTmpfs mount(Path mountPoint, int kilobytes) throws Exception {
        Files.createDirectories(mountPoint);
        String why = run("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k,mode=700", "tmpfs", mountPoint.toString());
        Assumptions.assumeTrue(why == null, () -> "a full disk is simulated with a small tmpfs, and mounting one was "
                + "refused (needs root): " + why);
        return new SmallTmpfs(mountPoint);
    }

    /** Fills the file system with {@code filler} until it has no room left. */
    public void fill(Path filler) throws IOException {
        byte[] page = new byte[1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    @Override
    public void close() throws Exception {
        String why = run("umount", mountPoint.toString());
        if (why != null) {
            throw new IllegalStateException("cannot unmount the test tmpfs " + mountPoint + ": " + why);
        }
    }

    /** Null on success, else what the command said. */
    private static String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
