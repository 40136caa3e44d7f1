package io.oauthmail.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL XOAUTH2 initial client response of Google and Microsoft:
 * {@code user=USER ^A auth=Bearer TOKEN ^A ^A}, sent base64-encoded.
 */
public final class XOAuth2 {

    private XOAuth2() {
    }

    /** The raw response, before base64. */
    public static String initialResponse(String user, String accessToken) {
        return "user=" + user + "\u0001auth=Bearer " + accessToken + "\u0001\u0001";
    }

    /** The response as sent on the wire (what {@code oauth2.py --generate_oauth2_string} printed). */
    public static String base64(String user, String accessToken) {
        return Base64.getEncoder().encodeToString(initialResponse(user, accessToken).getBytes(StandardCharsets.UTF_8));
    }
}
