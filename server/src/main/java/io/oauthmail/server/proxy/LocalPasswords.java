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
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.SecretKeySpec;
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
    /**
     * Passwords verified before, as an HMAC under a key that lives only in this object: mail clients open
     * several sessions, each logging in, and 200 logins would otherwise cost 200 slow hashes (seconds of CPU)
     * for nothing. Guessing stays slow, because a wrong password never matches here. Someone who can read
     * this process's memory could test guesses at HMAC speed, but could read the access tokens outright.
     */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private final Map<String, Object> hashing = new ConcurrentHashMap<>();
    private final SecretKeySpec macKey;

    public LocalPasswords(Path file) {
        this.file = file;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.macKey = new SecretKeySpec(key, "HmacSHA256");
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

    /**
     * True if {@code password} is {@code account}'s local password. A wrong password always takes the slow hash's
     * time; a password that was right before is recognised in microseconds. One slow hash at a time per account:
     * a client opening many sessions at once pays for one, and a guesser cannot use every core.
     */
    public boolean verify(String account, char[] password) {
        String line = read().get(account);
        String remembered = account + "\t" + line; // a changed password (new salt and hash) is never matched
        byte[] mac = line == null ? null : mac(password);
        // Unknown names share one lock: a client trying random names must not grow this map.
        synchronized (line == null ? hashing : hashing.computeIfAbsent(account, a -> new Object())) {
            if (mac != null && MessageDigest.isEqual(mac, verified.get(remembered))) {
                return true;
            }
            if (slowVerify(line, password)) {
                verified.put(remembered, mac);
                return true;
            }
            return false;
        }
    }

    private static boolean slowVerify(String line, char[] password) {
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

    private byte[] mac(char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            return mac.doFinal(new String(password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
