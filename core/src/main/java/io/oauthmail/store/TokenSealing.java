package io.oauthmail.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for token records, shared by every store: {@code "OMT1" || 12-byte IV || ciphertext+tag}, with
 * the account name bound in as associated data so a record moved to another account does not open.
 */
final class TokenSealing {

    private static final byte[] MAGIC = "OMT1".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** Seals one account's tokens into a record: what a prepared save runs after the answer. */
    interface Sealer {
        byte[] seal(io.oauthmail.account.TokenSet tokens) throws GeneralSecurityException;
    }

    private final SecretKey key;
    private SecureRandom random; // made on first seal: reading a token never needs one
    private volatile boolean warm;

    TokenSealing(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    byte[] seal(String account, byte[] plaintext) throws GeneralSecurityException {
        byte[] iv = new byte[IV_BYTES];
        synchronized (this) {
            if (random == null) {
                random = new SecureRandom();
            }
            random.nextBytes(iv);
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        cipher.updateAAD(associatedData(account));
        byte[] sealed = cipher.doFinal(plaintext);
        return ByteBuffer.allocate(MAGIC.length + IV_BYTES + sealed.length).put(MAGIC).put(iv).put(sealed).array();
    }

    /**
     * Seals a sample record once, so that the first real seal is fast: cold, it costs tens of milliseconds (the
     * cipher lookup, SecureRandom seeding, the JSON writer), and a refresh's seal sits between the provider's
     * answer and durable tokens. Stores call it before the refresh request.
     */
    void warmUp() throws GeneralSecurityException {
        if (!warm) {
            seal("warm-up", TokenJson.write(TokenJson.SAMPLE));
            // Answers' sizes, a few times: AES-GCM runs per 16-byte block, and some thousands of blocks get the
            // per-block code compiled. Cold, sealing a 3.5 KB answer took 7-13 ms; that sits between answer and disk.
            String answer = "x".repeat(8192);
            for (int i = 0; i < 4; i++) {
                AnswerJournal.seal(this, "warm-up", answer, java.time.Instant.EPOCH);
            }
            warm = true;
        }
    }

    /** @throws IOException if the record is truncated or not a token record; GeneralSecurityException if it does not open */
    byte[] open(String account, byte[] data) throws GeneralSecurityException, IOException {
        if (data.length < MAGIC.length + IV_BYTES + TAG_BITS / 8
                || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            throw new IOException("it is truncated or not an oauthmail token record");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, MAGIC.length, IV_BYTES));
        cipher.updateAAD(associatedData(account));
        return cipher.doFinal(data, MAGIC.length + IV_BYTES, data.length - MAGIC.length - IV_BYTES);
    }

    private static byte[] associatedData(String account) {
        return ("oauthmail-token-v1:" + account).getBytes(StandardCharsets.UTF_8);
    }
}
