package io.oauthmail.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.oauthmail.account.TokenSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The plaintext form of a {@link TokenSet} inside an encrypted store record: versioned JSON, instants as
 * epoch seconds. Written and read with Jackson's streaming core rather than databind: this runs on every
 * {@code oauthmail token}, and databind's start-up (some 400 classes, ~200 ms cold) was most of that
 * command's time.
 */
final class TokenJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int VERSION = 1;
    /** A record with every field, to warm the writer before a save that must be fast. */
    static final TokenSet SAMPLE = new TokenSet("access", Instant.EPOCH, "refresh", Instant.EPOCH, List.of("openid"),
            "id", Instant.EPOCH);

    private TokenJson() {
    }

    static byte[] write(TokenSet tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON.createGenerator(out)) {
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
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the token record is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.getCurrentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "version" -> version = json.getIntValue();
                    case "accessToken" -> access = json.getValueAsString();
                    case "expiresAt" -> expiresAt = json.getLongValue();
                    case "obtainedAt" -> obtainedAt = json.getLongValue();
                    case "refreshToken" -> refresh = json.getValueAsString();
                    case "refreshTokenIssuedAt" -> refreshIssuedAt = value == JsonToken.VALUE_NULL ? null : json.getLongValue();
                    case "idToken" -> idToken = json.getValueAsString();
                    case "scopes" -> {
                        while (json.nextToken() == JsonToken.VALUE_STRING) {
                            scopes.add(json.getText());
                        }
                    }
                    default -> json.skipChildren(); // written by a newer version: ignore what we do not know
                }
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
