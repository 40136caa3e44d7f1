package io.oauthmail.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The user and bearer token a client sent in a SASL XOAUTH2 or OAUTHBEARER (RFC 7628) response, as the
 * servers of the sandbox read them. Parsing is strict: a response that is not of the documented form is
 * refused, not guessed at.
 */
record BearerCredentials(String user, String token) {

    private static final String SEPARATOR = "\u0001";

    /** {@code user=U^Aauth=Bearer T^A^A}, base64-encoded. */
    static Optional<BearerCredentials> parseXOAuth2(String base64) {
        return decode(base64).flatMap(text -> {
            if (!text.startsWith("user=") || !text.endsWith(SEPARATOR + SEPARATOR)) {
                return Optional.empty();
            }
            String[] fields = text.substring(0, text.length() - 2).split(SEPARATOR, -1);
            if (fields.length != 2) {
                return Optional.empty();
            }
            return bearer(fields[1]).map(token -> new BearerCredentials(fields[0].substring("user=".length()), token));
        });
    }

    /** {@code n,a=U,^Ahost=H^Aport=P^Aauth=Bearer T^A^A}, base64-encoded (RFC 7628 section 3.1). */
    static Optional<BearerCredentials> parseOAuthBearer(String base64) {
        return decode(base64).flatMap(text -> {
            int firstSeparator = text.indexOf(SEPARATOR);
            if (firstSeparator < 0 || !text.endsWith(SEPARATOR + SEPARATOR)) {
                return Optional.empty();
            }
            String gs2Header = text.substring(0, firstSeparator);
            String user = null;
            for (String part : gs2Header.split(",")) {
                if (part.startsWith("a=")) {
                    user = part.substring(2).replace("=2C", ",").replace("=3D", "=");
                }
            }
            String token = null;
            for (String kv : text.substring(firstSeparator + 1, text.length() - 2).split(SEPARATOR)) {
                if (kv.startsWith("auth=")) {
                    token = bearer(kv).orElse(null);
                }
            }
            return user == null || token == null ? Optional.empty() : Optional.of(new BearerCredentials(user, token));
        });
    }

    private static Optional<String> bearer(String authField) {
        String prefix = "auth=Bearer ";
        return authField.regionMatches(true, 0, prefix, 0, prefix.length()) && authField.length() > prefix.length()
                ? Optional.of(authField.substring(prefix.length()))
                : Optional.empty();
    }

    private static Optional<String> decode(String base64) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "BearerCredentials[user=" + user + ", token=<redacted>]";
    }
}
