package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses a made-up OIDC token response before a token request is sent, so that parsing the real answer is fast.
 *
 * <p>Why: parsed cold (Nimbus, JSON Smart, the JWT classes of the ID token), the first answer took 90-240 ms in a
 * fresh CLI process on a loaded 2-core machine, measured with {@code bench/run CrashRefresh}. That time sits between
 * the provider rotating the refresh token and the new one reaching the disk, and a process killed in it loses the
 * grant (issue 9). Warm, a parse takes well under a millisecond; the warm-up itself is spent before anything is sent,
 * while the refresh token is still good. The sample has the shape of a real answer (JWT access and ID tokens with
 * the usual claims), since a parse only warms the paths it takes. Once per JVM, as {@link StreamedPathWarmUp}: the
 * device flow polls every few seconds and the daemon refreshes all day, and loaded classes stay loaded.
 */
final class AnswerParserWarmUp {

    private static final String SAMPLE = sample();
    private static final java.util.concurrent.atomic.AtomicBoolean DONE = new java.util.concurrent.atomic.AtomicBoolean();

    private AnswerParserWarmUp() {
    }

    /** A made-up answer of a real one's shape: also what {@link StreamedPathWarmUp}'s loopback server answers. */
    static String sampleAnswer() {
        return SAMPLE;
    }

    static void run() {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        HTTPResponse response = new HTTPResponse(200);
        response.setHeader("Content-Type", "application/json");
        response.setContent(SAMPLE);
        try {
            OIDCTokenResponseParser.parse(response).toSuccessResponse().getTokens().toOIDCTokens().getIDToken();
        } catch (ParseException | RuntimeException e) {
            // only a warm-up: the real answer is parsed, and its failures reported, as before
        }
    }

    /** Never sent anywhere and never trusted: the signature is zeros. */
    private static String sample() {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"kid\":\"warm-up\",\"typ\":\"JWT\",\"alg\":\"RS256\"}"
                .getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(("{\"sub\":\"someone@warm.invalid\",\"aud\":[\"client\"],\"nbf\":1700000000,"
                + "\"azp\":\"client\",\"iss\":\"https://warm.invalid/issuer\",\"exp\":1700003600,\"iat\":1700000000,"
                + "\"jti\":\"0e9a4c1e-7b41-4b8e-9d62-3c1f1f0a2b77\",\"email\":\"someone@warm.invalid\","
                + "\"scope\":\"openid email https://mail.google.com/\"}").getBytes(StandardCharsets.UTF_8));
        String jwt = header + "." + claims + "." + base64.encodeToString(new byte[256]);
        return "{\"token_type\":\"Bearer\",\"id_token\":\"" + jwt + "\",\"access_token\":\"" + jwt
                + "\",\"refresh_token\":\"warm-up\",\"expires_in\":3599,\"scope\":\"openid email https://mail.google.com/\"}";
    }
}
