package io.oauthmail.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Owner-only files and folders, where the file system has POSIX permissions. */
final class FilePermissions {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private FilePermissions() {
    }

    static FileAttribute<?>[] ownerOnlyFile() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    static Path createOwnerOnlyDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        return POSIX ? Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createDirectories(dir);
    }

    /** Makes an existing file owner-only (mode 0600): permissions given at creation do not apply to a file reused. */
    static void makeOwnerOnly(Path file) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** Throws if {@code file} can be read or written by anyone but its owner. */
    static void requireOwnerOnly(Path file) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        permissions.retainAll(GROUP_OR_OTHERS);
        if (!permissions.isEmpty()) {
            throw new InsecureFileException(file, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    /** A secret file that others could read: refused rather than used. */
    static final class InsecureFileException extends IOException {
        private static final long serialVersionUID = 1L;

        InsecureFileException(Path file, String permissions) {
            super(file + " is readable or writable by others (" + permissions + "); run: chmod 600 " + file);
        }
    }
}
