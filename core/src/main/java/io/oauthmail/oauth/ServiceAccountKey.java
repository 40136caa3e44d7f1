package io.oauthmail.oauth;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The parts of a Google service-account key file (the JSON downloaded from the Cloud console) that the JWT
 * bearer grant needs. {@link #toString()} never shows the private key.
 *
 * @param clientEmail  the service account's address: the assertion's issuer
 * @param keyId        {@code private_key_id}, sent as the assertion's {@code kid}, or {@code null}
 * @param privateKey   the RSA key that signs assertions
 * @param tokenUri     where to post the assertion, and its audience; {@code null} when the file has none
 */
record ServiceAccountKey(String clientEmail, String keyId, RSAPrivateKey privateKey, URI tokenUri) {

    private static final String HINT = "download a new JSON key for the service account "
            + "(Cloud console › IAM & Admin › Service accounts › Keys) and point the account at it";

    /** Reads {@code file}; every problem is an {@link OAuthMailException} that names the file, never its content. */
    static ServiceAccountKey read(Path file) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw bad(file, "does not exist or cannot be read", null);
        } catch (JacksonException e) {
            // Jackson's message may quote the file's text, which may be a key: say only where it broke.
            throw bad(file, "is not JSON" + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), null);
        } catch (IOException e) {
            throw bad(file, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        if (json == null || !json.isObject()) {
            throw bad(file, "is not a JSON object", null);
        }
        String clientEmail = text(json, "client_email");
        String pem = text(json, "private_key");
        if (clientEmail == null || pem == null) {
            throw bad(file, "is not a service-account key: it has no " + (pem == null ? "private_key" : "client_email"), null);
        }
        String tokenUri = text(json, "token_uri");
        URI token;
        try {
            token = tokenUri == null ? null : URI.create(tokenUri);
        } catch (IllegalArgumentException e) {
            throw bad(file, "has a token_uri that is not a URI", null);
        }
        return new ServiceAccountKey(clientEmail, text(json, "private_key_id"), privateKey(file, pem), token);
    }

    /** PEM "PRIVATE KEY": base64 of a PKCS#8 structure, which is what Google puts in the file. */
    private static RSAPrivateKey privateKey(Path file, String pem) {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw bad(file, "has a private_key that is not a PEM PKCS#8 key (BEGIN PRIVATE KEY)", null);
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            // No cause: its message could carry bytes of the key.
            throw bad(file, "has a private_key that is not a valid RSA key", null);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static OAuthMailException bad(Path file, String what, Throwable cause) {
        return new OAuthMailException("the service-account key file " + file + " " + what, HINT, cause);
    }

    @Override
    public String toString() {
        return "ServiceAccountKey[" + clientEmail + ", keyId=" + keyId + ", privateKey=<redacted>, tokenUri=" + tokenUri + "]";
    }
}
