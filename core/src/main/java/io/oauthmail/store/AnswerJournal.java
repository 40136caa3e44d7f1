package io.oauthmail.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The sealed form of a token endpoint's answer kept between its arrival and the save of the tokens in it:
 * {@code "OMJ1"}, the length of what follows (4 bytes: the file store writes it over reserved room, so stale
 * bytes may follow it), then a {@link TokenSealing} record of the time the request was sent (8 bytes, epoch
 * seconds) and the answer as received (UTF-8), sealed
 * for the account with a distinct associated-data label, so that a journal never opens as a token record or as
 * another account's journal. It holds a refresh token: it is sealed like everything else the stores keep.
 */
final class AnswerJournal {

    static final byte[] MAGIC = "OMJ1".getBytes(StandardCharsets.US_ASCII);

    private AnswerJournal() {
    }

    static byte[] seal(TokenSealing sealing, String account, String answer, Instant receivedAt)
            throws GeneralSecurityException {
        // Plain bytes, not JSON: this runs between the answer and the disk, and escaping a long string is not free.
        byte[] text = answer.getBytes(StandardCharsets.UTF_8);
        byte[] plain = ByteBuffer.allocate(Long.BYTES + text.length).putLong(receivedAt.getEpochSecond()).put(text).array();
        byte[] sealed = sealing.seal(label(account), plain);
        return ByteBuffer.allocate(MAGIC.length + 4 + sealed.length).put(MAGIC).putInt(sealed.length).put(sealed).array();
    }

    /** The journaled answer in {@code data}, or empty when {@code data} is no journal of this account's. */
    static Optional<TokenStore.UnsavedAnswer> open(TokenSealing sealing, String account, byte[] data) {
        if (data == null || data.length <= MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            return Optional.empty();
        }
        int length = ByteBuffer.wrap(data, MAGIC.length, 4).getInt();
        if (length <= 0 || length > data.length - MAGIC.length - 4) {
            return Optional.empty(); // torn: the answer never got whole to disk
        }
        try {
            byte[] plain = sealing.open(label(account), Arrays.copyOfRange(data, MAGIC.length + 4, MAGIC.length + 4 + length));
            if (plain.length < Long.BYTES) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(plain);
            Instant receivedAt = Instant.ofEpochSecond(buffer.getLong());
            String answer = new String(plain, Long.BYTES, plain.length - Long.BYTES, StandardCharsets.UTF_8);
            return Optional.of(new TokenStore.UnsavedAnswer(answer, receivedAt));
        } catch (GeneralSecurityException | IOException e) {
            return Optional.empty(); // foreign or damaged: nothing to recover, the stored tokens stand
        }
    }

    /** Sealing and opening of {@code account}'s journal with {@code sealing}'s key, for a prepared save. */
    static ReservedSave.Journals of(TokenSealing sealing, String account) {
        return new ReservedSave.Journals() {
            @Override
            public byte[] seal(String answer, Instant receivedAt) throws GeneralSecurityException {
                return AnswerJournal.seal(sealing, account, answer, receivedAt);
            }

            @Override
            public Optional<TokenStore.UnsavedAnswer> open(byte[] data) {
                return AnswerJournal.open(sealing, account, data);
            }
        };
    }

    private static String label(String account) {
        return "answer-journal:" + account;
    }
}
