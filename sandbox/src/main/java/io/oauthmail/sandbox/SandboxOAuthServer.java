package io.oauthmail.sandbox;

import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * The sandbox's OAuth 2.0 / OpenID Connect server: mock-oauth2-server with a login page (auto-approved by
 * {@link SandboxBrowser}), PKCE, and refresh tokens that rotate (the old one is refused once used, as at
 * Microsoft). It also counts the requests made to its token endpoint, so tests and the demo can prove how
 * many refreshes really happened.
 */
final class SandboxOAuthServer implements AutoCloseable {

    static final String ISSUER_ID = "sandbox";

    private final MockOAuth2Server server;
    private final MockWebServer recorder;
    private final Map<String, Integer> tokenRequestsByGrant = new HashMap<>();
    private int requestsSeen;

    private SandboxOAuthServer(MockOAuth2Server server, MockWebServer recorder) {
        this.server = server;
        this.recorder = recorder;
    }

    static SandboxOAuthServer start(Duration accessTokenLifetime, DeviceGrants deviceGrants) throws IOException {
        MockWebServerWrapper http = new MockWebServerWrapper();
        OAuth2Config config = new OAuth2Config(
                true,   // interactive login: the authorization endpoint shows a login page a person or SandboxBrowser fills
                null,
                null,
                true,   // rotate refresh tokens
                // A fresh ES256 key per sandbox: tokens of another sandbox never verify here, and ES256 tokens
                // stay short enough for SubEthaSMTP, whose 998-character line limit is hard-coded, to take an
                // XOAUTH2 initial response on the AUTH line (RS256 tokens are too long for it).
                new OAuth2TokenProvider(new KeyProvider(List.of(), "ES256"), (java.time.Instant) null),
                Set.of(new SandboxTokenCallback(ISSUER_ID, accessTokenLifetime.toSeconds())),
                http);
        // The device grant's routes are matched before mock-oauth2-server's own, which has no such grant.
        MockOAuth2Server server = new MockOAuth2Server(config, new DeviceRoutes(deviceGrants).routes());
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        return new SandboxOAuthServer(server, http.getMockWebServer());
    }

    URI issuer() {
        return server.issuerUrl(ISSUER_ID).uri();
    }

    URI authorizationEndpoint() {
        return server.authorizationEndpointUrl(ISSUER_ID).uri();
    }

    URI tokenEndpoint() {
        return server.tokenEndpointUrl(ISSUER_ID).uri();
    }

    URI deviceAuthorizationEndpoint() {
        return server.url(DeviceRoutes.DEVICE_AUTHORIZATION_PATH).uri();
    }

    URI deviceVerificationUri() {
        return server.url(DeviceRoutes.VERIFICATION_PATH).uri();
    }

    URI jwksUri() {
        return server.jwksUrl(ISSUER_ID).uri();
    }

    URI revocationEndpoint() {
        return server.revocationEndpointUrl(ISSUER_ID).uri();
    }

    URI userInfoEndpoint() {
        return server.userInfoUrl(ISSUER_ID).uri();
    }

    URI discoveryUri() {
        return server.wellKnownUrl(ISSUER_ID).uri();
    }

    /** Signs a token directly, bypassing any flow: for tests of what the mail servers refuse. */
    String issueToken(String subject, String scope, Duration lifetime) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("email", subject);
        claims.put("scope", scope);
        SignedJWT jwt = server.issueToken(ISSUER_ID, "oauthmail-sandbox-tests",
                new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(SandboxTokenCallback.AUDIENCE),
                        claims, lifetime.toSeconds()));
        return jwt.serialize();
    }

    /** How many token-endpoint requests used {@code grantType} (e.g. {@code refresh_token}) so far. */
    synchronized int tokenRequests(String grantType) {
        drainRecordedRequests();
        return tokenRequestsByGrant.getOrDefault(grantType, 0);
    }

    private void drainRecordedRequests() {
        while (requestsSeen < recorder.getRequestCount()) {
            RecordedRequest request;
            try {
                request = recorder.takeRequest(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (request == null) {
                return;
            }
            requestsSeen++;
            String path = request.getPath();
            if (path != null && path.endsWith("/" + ISSUER_ID + "/token")) {
                tokenRequestsByGrant.merge(grantType(request.getBody().readUtf8()), 1, Integer::sum);
            }
        }
    }

    private static String grantType(String form) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("grant_type")) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
