package io.oauthmail.server.proxy;

import io.oauthmail.OAuthMailException;
import io.oauthmail.store.OwnerOnlyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The local passwords that legacy clients use to log in to the proxy, one per account, kept only as salted
 * slow hashes (PBKDF2-HMAC-SHA256, 210,000 iterations) in an owner-only file. They are not the store's key,
 * so a client that sends a different password gets a plain authentication failure, never a lost token.
 * File format, one line per account: {@code account<TAB>iterations<TAB>salt<TAB>hash} (base64).
 */
public final class LocalPasswords {

    private static final int ITERATIONS = 210_000;

    private final Path file;

    public LocalPasswords(Path file) {
        this.file = file;
    }

    /** Sets (or replaces) the password of {@code account}. */
    public synchronized void set(String account, char[] password) {
        if (password.length < 8) {
            throw new OAuthMailException("a local password needs at least 8 characters", "choose a longer one");
        }
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Map<String, String> lines = read();
        lines.put(account, ITERATIONS + "\t" + b64(salt) + "\t" + b64(hash(password, salt, ITERATIONS)));
        write(lines);
    }

    /** True if {@code password} is {@code account}'s local password; takes the hash's time either way. */
    public boolean verify(String account, char[] password) {
        String line = read().get(account);
        String[] parts = line == null ? new String[] {String.valueOf(ITERATIONS), b64(new byte[16]), b64(new byte[32])}
                : line.split("\t");
        byte[] expected = Base64.getDecoder().decode(parts[2]);
        byte[] actual = hash(password, Base64.getDecoder().decode(parts[1]), Integer.parseInt(parts[0]));
        return line != null && MessageDigest.isEqual(expected, actual);
    }

    private Map<String, String> read() {
        Map<String, String> lines = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    lines.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        } catch (NoSuchFileException e) {
            return lines;
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the local passwords in " + file + ": " + e.getMessage(), null, e);
        }
        return lines;
    }

    private void write(Map<String, String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach((account, rest) -> text.append(account).append('\t').append(rest).append('\n'));
        try {
            OwnerOnlyFile.write(file, text.toString());
        } catch (IOException e) {
            throw new OAuthMailException("cannot save the local passwords in " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static byte[] hash(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available in this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
