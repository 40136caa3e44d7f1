package io.oauthmail.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a small file that may hold a secret (the config, password hashes, a private key) owner-only from its
 * first byte, and atomically: a crash leaves the old file or the new one, never half of one, and the content is
 * never readable by others in between.
 */
public final class OwnerOnlyFile {

    private OwnerOnlyFile() {
    }

    /** Replaces {@code file} with {@code text} (UTF-8), creating its folder if needed. */
    public static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp", FilePermissions.ownerOnlyFile());
        try {
            Files.writeString(temp, text);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
