package io.oauthmail.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The SASL OAUTHBEARER initial client response (RFC 7628 section 3.1):
 * {@code n,a=USER,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A}.
 */
public final class OAuthBearer {

    private OAuthBearer() {
    }

    public static String initialResponse(String user, String host, int port, String accessToken) {
        // RFC 5801 saslname: ',' and '=' in the authorization identity are escaped as =2C and =3D.
        String authzid = user.replace("=", "=3D").replace(",", "=2C");
        return "n,a=" + authzid + ",\u0001host=" + host + "\u0001port=" + port + "\u0001auth=Bearer " + accessToken
                + "\u0001\u0001";
    }

    public static String base64(String user, String host, int port, String accessToken) {
        return Base64.getEncoder().encodeToString(
                initialResponse(user, host, port, accessToken).getBytes(StandardCharsets.UTF_8));
    }
}
