package io.oauthmail.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;

/** A random 256-bit store key in an owner-only file, made on first use. */
final class KeyFile {

    private KeyFile() {
    }

    static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            // Written whole under a temporary name, then linked into place: a second process either finds
            // no key file or a complete one, and if two race, the link of one fails and it uses the other's.
            Path temp = Files.createTempFile(file.getParent(), ".key-", ".tmp", FilePermissions.ownerOnlyFile());
            try {
                Files.write(temp, Base64.getEncoder().encode(key), StandardOpenOption.WRITE);
                Files.createLink(file, temp);
                return key;
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: use theirs
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        FilePermissions.requireOwnerOnly(file);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not an oauthmail key file");
        }
        if (key.length != 32) {
            throw new IOException(file + " does not hold a 256-bit key");
        }
        return key;
    }
}
