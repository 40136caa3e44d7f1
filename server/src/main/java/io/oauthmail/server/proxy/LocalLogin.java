package io.oauthmail.server.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Decodes what local clients log in with: SASL PLAIN responses and AUTH LOGIN's base64 fields. */
final class LocalLogin {

    private LocalLogin() {
    }

    /** SASL PLAIN (RFC 4616): {user, password} from {@code authzid NUL authcid NUL password}, or null if malformed. */
    static String[] plain(String response) {
        String decoded = decode(response);
        String[] fields = decoded == null ? new String[0] : decoded.split("\0", -1);
        return fields.length == 3 ? new String[] {fields[1], fields[2]} : null;
    }

    /** The UTF-8 text in {@code base64}, or null if it is not base64. */
    static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
