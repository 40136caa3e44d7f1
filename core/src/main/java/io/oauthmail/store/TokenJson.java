package io.oauthmail.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.oauthmail.account.TokenSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext form of a {@link TokenSet} inside an encrypted store record: versioned JSON, instants as
 * epoch seconds. Written with Jackson's streaming core rather than databind: databind's start-up (some 400 classes,
 * ~200 ms cold) was most of {@code oauthmail token}'s time. Read with {@link JsonText}, which costs that command
 * less again than Jackson's parser.
 */
final class TokenJson {

    private static final int VERSION = 1;
    /** A record with every field, to warm the writer before a save that must be fast. */
    static final TokenSet SAMPLE = new TokenSet("access", Instant.EPOCH, "refresh", Instant.EPOCH, List.of("openid"),
            "id", Instant.EPOCH);

    private TokenJson() {
    }

    /** Jackson's generator writes records; made on first write, so that reading one never starts Jackson. */
    private static final class Writer {
        static final JsonFactory JSON = new JsonFactory();
    }

    static byte[] write(TokenSet tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = Writer.JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("version", VERSION);
            json.writeStringField("accessToken", tokens.accessToken());
            json.writeNumberField("expiresAt", tokens.expiresAt().getEpochSecond());
            if (tokens.obtainedAt() != null) {
                json.writeNumberField("obtainedAt", tokens.obtainedAt().getEpochSecond());
            }
            if (tokens.refreshToken() != null) {
                json.writeStringField("refreshToken", tokens.refreshToken());
            }
            if (tokens.refreshTokenIssuedAt() != null) {
                json.writeNumberField("refreshTokenIssuedAt", tokens.refreshTokenIssuedAt().getEpochSecond());
            }
            json.writeArrayFieldStart("scopes");
            for (String scope : tokens.scopes()) {
                json.writeString(scope);
            }
            json.writeEndArray();
            if (tokens.idToken() != null) {
                json.writeStringField("idToken", tokens.idToken());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize tokens", e);
        }
        return out.toByteArray();
    }

    static TokenSet read(byte[] bytes) throws IOException {
        int version = -1;
        String access = null;
        String refresh = null;
        String idToken = null;
        Long expiresAt = null;
        Long refreshIssuedAt = null;
        Long obtainedAt = null;
        List<String> scopes = new ArrayList<>();
        JsonText json = new JsonText(bytes);
        if (json.peek() != '{') {
            throw new IOException("the token record is not a JSON object");
        }
        json.expect('{');
        for (String field = json.nextField(true); field != null; field = json.nextField(false)) {
            switch (field) {
                case "version" -> version = (int) json.longValue();
                case "accessToken" -> access = json.string();
                case "expiresAt" -> expiresAt = json.longValue();
                case "obtainedAt" -> obtainedAt = json.longValue();
                case "refreshToken" -> refresh = json.string();
                case "refreshTokenIssuedAt" -> refreshIssuedAt = json.nullValue() ? null : json.longValue();
                case "idToken" -> idToken = json.string();
                case "scopes" -> {
                    json.expect('[');
                    for (boolean first = true; json.peek() != ']'; first = false) {
                        if (!first) {
                            json.expect(',');
                        }
                        String scope = json.string();
                        if (scope == null) {
                            throw new IOException("the token record has a null scope");
                        }
                        scopes.add(scope);
                    }
                    json.expect(']');
                }
                default -> json.skipValue(); // written by a newer version: ignore what we do not know
            }
        }
        if (version != VERSION || access == null || expiresAt == null) {
            throw new IOException("unknown or incomplete token record (version " + version + ")");
        }
        return new TokenSet(access, Instant.ofEpochSecond(expiresAt), refresh,
                refreshIssuedAt == null ? null : Instant.ofEpochSecond(refreshIssuedAt), scopes, idToken,
                obtainedAt == null ? null : Instant.ofEpochSecond(obtainedAt));
    }
}
