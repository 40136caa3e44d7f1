package io.oauthmail.store;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;

/**
 * Tokens encrypted at rest with AES-256-GCM, one file per account in one owner-only folder.
 *
 * <p>One file per account, because an account is the unit that is refreshed, locked and lost: a damaged
 * file costs one account, never all of them, and the CLI and the daemon only ever contend for the same
 * account. Each file is {@code "OMT1" || 12-byte IV || ciphertext+tag}; the account name is bound in as
 * associated data, so a file renamed to another account does not decrypt. Writes go to a temporary file,
 * are forced to disk, then renamed over the old one and the folder forced, so a crash leaves either the old tokens
 * or the new ones, and the new ones once the save returned. A refresh's save is prepared before its request (room
 * reserved on disk, the cipher warm): see {@link #prepareSave}. Files must be mode 0600: a readable one is refused,
 * not used.
 */
public final class EncryptedFileStore implements TokenStore {

    private final Path dir;
    private final TokenSealing sealing;
    private final FileLocks locks = new FileLocks();

    public EncryptedFileStore(Path dir, byte[] key) {
        this.dir = dir;
        this.sealing = new TokenSealing(key);
    }

    /**
     * Opens the store in {@code dir}, with the key in {@code dir/store.key}, created (random, mode 0600) on
     * first use. This protects the tokens from anything that copies the token files without the key file
     * (a backup that skips it, another user on the machine); it does not protect them from someone who can
     * read both as you. Use a passphrase for that.
     */
    public static EncryptedFileStore openWithKeyFile(Path dir) {
        return open(dir, null);
    }

    /**
     * Opens the store in {@code dir} with the key derived from {@code passphrase}, or with the key file when
     * it is {@code null} (see {@link StoreKey}).
     */
    public static EncryptedFileStore open(Path dir, char[] passphrase) {
        try {
            FilePermissions.createOwnerOnlyDirectories(dir);
            return new EncryptedFileStore(dir, StoreKey.resolve(dir, passphrase));
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
            return Optional.of(TokenJson.read(sealing.open(account, data)));
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
            byte[] data = sealing.seal(account, TokenJson.write(tokens));
            // A random name, not the account's pending file: a login may save while a refresh holds that one.
            Path temp = Files.createTempFile(dir, StoreFolder.TEMP_PREFIX, ".token", FilePermissions.ownerOnlyFile());
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(data);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                StoreFolder.moveIntoPlace(temp, file);
            } finally {
                Files.deleteIfExists(temp);
            }
            StoreFolder.force(dir);
        } catch (IOException | GeneralSecurityException e) {
            throw new OAuthMailException("cannot save the tokens of account " + account + " in " + dir + ": "
                    + e.getMessage(), "check free space and permissions of " + dir, e);
        }
    }

    /**
     * Reserves room for the refreshed tokens and warms everything the save will run (key, cipher, random, JSON),
     * so that between the provider's answer and durable tokens there are only a write, two fsyncs and a rename.
     * Throws a {@link io.oauthmail.error.TemporaryFailure} saying to free space when there is no room: the refresh
     * token has not been used then. Also sweeps up temporary files of saves whose process died.
     */
    @Override
    public PreparedSave prepareSave(String account) {
        try {
            FilePermissions.createOwnerOnlyDirectories(dir);
        } catch (IOException e) {
            throw new OAuthMailException("cannot use the token folder " + dir + ": " + e.getMessage(),
                    "check that the folder is yours and writable", e);
        }
        StoreFolder.sweepAbandoned(dir);
        try {
            sealing.warmUp();
        } catch (GeneralSecurityException e) {
            throw new OAuthMailException("cannot seal tokens: " + e.getMessage(), "check that this Java has AES-GCM", e);
        }
        return ReservedSave.reserve(account, dir, fileOf(account), tokens -> sealing.seal(account, TokenJson.write(tokens)),
                AnswerJournal.of(sealing, account));
    }

    @Override
    public void delete(String account) {
        try {
            Files.deleteIfExists(fileOf(account).resolveSibling(fileName(account) + ReservedSave.SUFFIX));
            Files.deleteIfExists(fileOf(account).resolveSibling(fileName(account) + ReservedSave.ANSWER_SUFFIX));
            Files.deleteIfExists(fileOf(account));
        } catch (IOException e) {
            throw new OAuthMailException("cannot delete the tokens of account " + account + ": " + e.getMessage(),
                    "remove " + fileOf(account) + " by hand", e);
        }
    }

    /**
     * Holds an exclusive lock on {@code account} across threads and processes (the CLI and the daemon):
     * an OS file lock on {@code ACCOUNT.lock} beside the token file, plus an in-process lock because the JVM
     * refuses a second lock on the same file from one process.
     */
    @Override
    public AccountLock lock(String account) {
        return locks.acquire(account, dir.resolve(fileName(account) + ".lock"));
    }

    Path fileOf(String account) {
        return dir.resolve(fileName(account));
    }

    /** Account names are usually addresses; anything that is not safe in a file name is encoded. */
    static String fileName(String account) {
        if (isPlainFileName(account)) {
            return account + ".token";
        }
        return "b64-" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(account.getBytes(StandardCharsets.UTF_8)) + ".token";
    }

    /** Letters, digits and {@code @._+-}, up to 120, not starting with a dot (checked without a regex: hot path). */
    private static boolean isPlainFileName(String account) {
        if (account.isEmpty() || account.length() > 120 || account.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < account.length(); i++) {
            char c = account.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "@._+-".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static OAuthMailException damaged(String account, Path file, String why) {
        return new OAuthMailException("the token file of account " + account + " cannot be used: " + why,
                "run: oauthmail login " + account + "   (or restore " + file + " from a backup)");
    }
}
