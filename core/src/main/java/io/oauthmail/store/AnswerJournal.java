package io.oauthmail.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * The sealed form of a token endpoint's answer kept between its arrival and the save of the tokens in it:
 * {@code "OMJ1"}, the length of what follows (4 bytes: the file store writes it over reserved room, so stale
 * bytes may follow it), then a {@link TokenSealing} record of {@code {"answer": ..., "receivedAt": epoch seconds}}, sealed
 * for the account with a distinct associated-data label, so that a journal never opens as a token record or as
 * another account's journal. It holds a refresh token: it is sealed like everything else the stores keep.
 */
final class AnswerJournal {

    static final byte[] MAGIC = "OMJ1".getBytes(StandardCharsets.US_ASCII);
    private static final JsonFactory JSON = new JsonFactory();

    private AnswerJournal() {
    }

    static byte[] seal(TokenSealing sealing, String account, String answer, Instant receivedAt)
            throws GeneralSecurityException {
        ByteArrayOutputStream plain = new ByteArrayOutputStream(answer.length() + 64);
        try (JsonGenerator json = JSON.createGenerator(plain)) {
            json.writeStartObject();
            json.writeStringField("answer", answer);
            json.writeNumberField("receivedAt", receivedAt.getEpochSecond());
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to memory", e);
        }
        byte[] sealed = sealing.seal(label(account), plain.toByteArray());
        return java.nio.ByteBuffer.allocate(MAGIC.length + 4 + sealed.length).put(MAGIC).putInt(sealed.length).put(sealed)
                .array();
    }

    /** The journaled answer in {@code data}, or empty when {@code data} is no journal of this account's. */
    static Optional<TokenStore.UnsavedAnswer> open(TokenSealing sealing, String account, byte[] data) {
        if (data == null || data.length <= MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(data, MAGIC.length), MAGIC)) {
            return Optional.empty();
        }
        int length = java.nio.ByteBuffer.wrap(data, MAGIC.length, 4).getInt();
        if (length <= 0 || length > data.length - MAGIC.length - 4) {
            return Optional.empty(); // torn: the answer never got whole to disk
        }
        try {
            byte[] plain = sealing.open(label(account), Arrays.copyOfRange(data, MAGIC.length + 4, MAGIC.length + 4 + length));
            String answer = null;
            Long receivedAt = null;
            try (JsonParser json = JSON.createParser(plain)) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.getCurrentName();
                    json.nextToken();
                    if (field.equals("answer")) {
                        answer = json.getValueAsString();
                    } else if (field.equals("receivedAt")) {
                        receivedAt = json.getLongValue();
                    } else {
                        json.skipChildren();
                    }
                }
            }
            return answer == null || receivedAt == null ? Optional.empty()
                    : Optional.of(new TokenStore.UnsavedAnswer(answer, Instant.ofEpochSecond(receivedAt)));
        } catch (GeneralSecurityException | IOException e) {
            return Optional.empty(); // torn or foreign: nothing to recover, the stored tokens stand
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
