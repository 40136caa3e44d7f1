package io.oauthmail.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The store's AES-256 key: from a passphrase where the user gives one ({@code OAUTHMAIL_PASSPHRASE} or
 * {@code passphrase_cmd}), else from a random key file beside the tokens.
 *
 * <p>A passphrase is stretched with PBKDF2-HMAC-SHA256 (the JDK's own; 600,000 iterations, OWASP's figure
 * for it) with a random salt kept in {@code store.kdf}, together with a check value, so a wrong passphrase is
 * reported as such instead of as damaged token files. The stretching costs a few hundred milliseconds per
 * process; the daemon pays it once. A store made with one kind of key refuses the other, rather than
 * silently starting an empty second store.
 */
public final class StoreKey {

    static final int ITERATIONS = 600_000;
    private static final String KDF_FILE = "store.kdf";
    private static final String KEY_FILE = "store.key";
    private static final byte[] CHECK = "oauthmail passphrase check".getBytes(StandardCharsets.US_ASCII);

    private StoreKey() {
    }

    /** The key of the store in {@code dir}: derived from {@code passphrase} if not null, else the key file's. */
    public static byte[] resolve(Path dir, char[] passphrase) throws IOException {
        Path kdf = dir.resolve(KDF_FILE);
        if (passphrase == null) {
            if (Files.exists(kdf)) {
                throw new OAuthMailException("the token store in " + dir + " is protected by a passphrase",
                        "set OAUTHMAIL_PASSPHRASE, or passphrase_cmd in the [store] section of the config");
            }
            return KeyFile.loadOrCreate(dir.resolve(KEY_FILE));
        }
        if (!Files.exists(kdf) && Files.exists(dir.resolve(KEY_FILE))) {
            throw new OAuthMailException("the token store in " + dir + " is encrypted with its key file, not a passphrase",
                    "unset OAUTHMAIL_PASSPHRASE / passphrase_cmd, or start a new store: move " + dir
                            + " away and log in again");
        }
        if (!Files.exists(kdf)) {
            create(kdf, passphrase);
        }
        return open(kdf, passphrase);
    }

    private static void create(Path kdf, char[] passphrase) throws IOException {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] key = derive(passphrase, salt, ITERATIONS);
        String check;
        try {
            check = Base64.getEncoder().encodeToString(new TokenSealing(key).seal("store.kdf", CHECK));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make the passphrase check value", e);
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(Map.of("kdf", "PBKDF2WithHmacSHA256", "iterations", ITERATIONS,
                "salt", Base64.getEncoder().encodeToString(salt), "check", check));
        Path temp = Files.createTempFile(kdf.getParent(), ".kdf-", ".tmp", FilePermissions.ownerOnlyFile());
        try {
            Files.write(temp, json, StandardOpenOption.WRITE);
            Files.createLink(kdf, temp); // fails if another process made it first: then theirs is used
        } catch (FileAlreadyExistsException raced) {
            // use the one that won
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] open(Path kdf, char[] passphrase) throws IOException {
        FilePermissions.requireOwnerOnly(kdf);
        // A mapper only here: the passphrase path pays for databind, the key-file path (every token) does not.
        JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(kdf));
        if (json == null || !"PBKDF2WithHmacSHA256".equals(json.path("kdf").asText())) {
            throw new IOException(kdf + " is not an oauthmail key-derivation file");
        }
        byte[] salt = Base64.getDecoder().decode(json.path("salt").asText());
        byte[] key = derive(passphrase, salt, json.path("iterations").asInt(ITERATIONS));
        try {
            byte[] check = new TokenSealing(key).open("store.kdf", Base64.getDecoder().decode(json.path("check").asText()));
            if (!Arrays.equals(check, CHECK)) {
                throw new GeneralSecurityException("check value differs");
            }
        } catch (GeneralSecurityException e) {
            throw new OAuthMailException("wrong passphrase for the token store in " + kdf.getParent(),
                    "check OAUTHMAIL_PASSPHRASE or passphrase_cmd");
        }
        return key;
    }

    static byte[] derive(char[] passphrase, byte[] salt, int iterations) throws IOException {
        try {
            PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("PBKDF2 is not available in this JVM", e);
        }
    }
}
