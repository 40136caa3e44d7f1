package io.oauthmail.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.token.TokenSet;
import java.time.Instant;
import java.util.List;

/** The plaintext form of a {@link TokenSet} inside an encrypted store file: versioned JSON. */
final class TokenJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The stored shape; instants as epoch seconds so the format does not depend on a time module. */
    record Stored(int version, String accessToken, long expiresAt, String refreshToken, Long refreshTokenIssuedAt,
            List<String> scopes, String idToken) {
    }

    private TokenJson() {
    }

    static byte[] write(TokenSet tokens) {
        Stored stored = new Stored(1, tokens.accessToken(), tokens.expiresAt().getEpochSecond(), tokens.refreshToken(),
                tokens.refreshTokenIssuedAt() == null ? null : tokens.refreshTokenIssuedAt().getEpochSecond(),
                tokens.scopes(), tokens.idToken());
        try {
            return JSON.writeValueAsBytes(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize tokens", e);
        }
    }

    static TokenSet read(byte[] json) throws java.io.IOException {
        Stored s = JSON.readValue(json, Stored.class);
        if (s.version() != 1 || s.accessToken() == null) {
            throw new java.io.IOException("unknown token record version " + s.version());
        }
        return new TokenSet(s.accessToken(), Instant.ofEpochSecond(s.expiresAt()), s.refreshToken(),
                s.refreshTokenIssuedAt() == null ? null : Instant.ofEpochSecond(s.refreshTokenIssuedAt()),
                s.scopes(), s.idToken());
    }
}
