package io.oauthmail.store;

import io.oauthmail.OAuthMailException;
import io.oauthmail.token.TokenSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens encrypted at rest with AES-256-GCM, one file per account in one owner-only folder.
 *
 * <p>One file per account, because an account is the unit that is refreshed, locked and lost: a damaged
 * file costs one account, never all of them, and the CLI and the daemon only ever contend for the same
 * account. Each file is {@code "OMT1" || 12-byte IV || ciphertext+tag}; the account name is bound in as
 * associated data, so a file renamed to another account does not decrypt. Writes go to a temporary file,
 * are forced to disk, then renamed over the old one, so a crash leaves either the old tokens or the new ones.
 * Files must be mode 0600: a readable one is refused, not used.
 */
public final class EncryptedFileStore implements TokenStore {

    private static final byte[] MAGIC = "OMT1".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Path dir;
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    public EncryptedFileStore(Path dir, byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
        }
        this.dir = dir;
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * Opens the store in {@code dir}, with the key in {@code dir/store.key}, created (random, mode 0600) on
     * first use. This protects the tokens from anything that copies the token files without the key file
     * (a backup that skips it, another user on the machine); it does not protect them from someone who can
     * read both as you. Use a passphrase for that.
     */
    public static EncryptedFileStore openWithKeyFile(Path dir) {
        try {
            FilePermissions.createOwnerOnlyDirectories(dir);
            return new EncryptedFileStore(dir, KeyFile.loadOrCreate(dir.resolve("store.key")));
        } catch (IOException e) {
            throw new OAuthMailException("cannot open the token store in " + dir + ": " + e.getMessage(),
                    "check that the folder is yours and writable, or set OAUTHMAIL_HOME to another folder", e);
        }
    }

    @Override
    public Optional<TokenSet> load(String account) {
        Path file = fileOf(account);
        try {
            FilePermissions.requireOwnerOnly(file);
            byte[] data = Files.readAllBytes(file);
            return Optional.of(TokenJson.read(decrypt(account, data)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw damaged(account, file, "it does not decrypt with this store's key (tampered with, or another key)");
        } catch (IOException e) {
            throw damaged(account, file, e.getMessage());
        }
    }

    @Override
    public void save(String account, TokenSet tokens) {
        Path file = fileOf(account);
        try {
            FilePermissions.createOwnerOnlyDirectories(dir);
            byte[] data = encrypt(account, TokenJson.write(tokens));
            Path temp = Files.createTempFile(dir, ".tmp-", ".token", FilePermissions.ownerOnlyFile());
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.write(ByteBuffer.wrap(data));
                    channel.force(true);
                }
                moveIntoPlace(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new OAuthMailException("cannot save the tokens of account " + account + " in " + dir + ": "
                    + e.getMessage(), "check free space and permissions of " + dir, e);
        }
    }

    @Override
    public void delete(String account) {
        try {
            Files.deleteIfExists(fileOf(account));
        } catch (IOException e) {
            throw new OAuthMailException("cannot delete the tokens of account " + account + ": " + e.getMessage(),
                    "remove " + fileOf(account) + " by hand", e);
        }
    }

    Path fileOf(String account) {
        return dir.resolve(fileName(account));
    }

    /** Account names are usually addresses; anything that is not safe in a file name is encoded. */
    static String fileName(String account) {
        if (account.matches("[A-Za-z0-9@._+-]{1,120}") && !account.startsWith(".")) {
            return account + ".token";
        }
        return "b64-" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(account.getBytes(StandardCharsets.UTF_8)) + ".token";
    }

    private byte[] encrypt(String account, byte[] plaintext) throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(associatedData(account));
        byte[] sealed = cipher.doFinal(plaintext);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + IV_BYTES + sealed.length);
        return out.put(MAGIC).put(iv).put(sealed).array();
    }

    private byte[] decrypt(String account, byte[] data) throws GeneralSecurityException, IOException {
        if (data.length < MAGIC.length + IV_BYTES + TAG_BITS / 8
                || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            throw new IOException("it is truncated or not an oauthmail token file");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, MAGIC.length, IV_BYTES));
        cipher.updateAAD(associatedData(account));
        return cipher.doFinal(data, MAGIC.length + IV_BYTES, data.length - MAGIC.length - IV_BYTES);
    }

    private static byte[] associatedData(String account) {
        return ("oauthmail-token-v1:" + account).getBytes(StandardCharsets.UTF_8);
    }

    private static void moveIntoPlace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static OAuthMailException damaged(String account, Path file, String why) {
        return new OAuthMailException("the token file of account " + account + " cannot be used: " + why,
                "run: oauthmail login " + account + "   (or restore " + file + " from a backup)");
    }
}
