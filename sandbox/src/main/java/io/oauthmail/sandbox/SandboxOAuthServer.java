package io.oauthmail.sandbox;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.HttpUrl;

/**
 * The sandbox's OAuth 2.0 / OpenID Connect server: mock-oauth2-server with a login page (auto-approved by
 * {@link SandboxBrowser}), PKCE, and refresh tokens that rotate, behind an {@link OAuthFront} that makes it
 * as strict as Keycloak (a reused refresh token ends its session) and lets tests break the token endpoint.
 * Every URI handed out is the front's, which also counts token requests, so tests and the demo can prove how
 * many refreshes really happened.
 */
final class SandboxOAuthServer implements AutoCloseable {

    static final String ISSUER_ID = "sandbox";

    private final MockOAuth2Server server;
    private final DeviceRoutes deviceRoutes;
    private final OAuth2TokenProvider tokens;
    private final SandboxTokenCallback callback;
    private final OAuthFront front;
    private final StrictTokenEndpoint tokenEndpoint;
    private final SessionRegistry sessions;
    private final TokenEndpointFaults faults;

    private SandboxOAuthServer(MockOAuth2Server server, DeviceRoutes deviceRoutes, OAuth2TokenProvider tokens,
            SandboxTokenCallback callback, SessionRegistry sessions, TokenEndpointFaults faults) throws IOException {
        this.server = server;
        this.deviceRoutes = deviceRoutes;
        this.tokens = tokens;
        this.callback = callback;
        this.sessions = sessions;
        this.faults = faults;
        this.tokenEndpoint = new StrictTokenEndpoint(faults, sessions);
        this.front = OAuthFront.start(server.baseUrl().uri(), "/" + ISSUER_ID, tokenEndpoint);
    }

    static SandboxOAuthServer start(Duration accessTokenLifetime, DeviceGrants deviceGrants, RefreshTokenReuse reuse)
            throws IOException {
        MockWebServerWrapper http = new MockWebServerWrapper();
        // A fresh ES256 key per sandbox: tokens of another sandbox never verify here, and ES256 tokens stay short
        // enough for SubEthaSMTP, whose 998-character line limit is hard-coded, to take an XOAUTH2 initial
        // response on the AUTH line (RS256 tokens are too long for it).
        OAuth2TokenProvider tokens = new OAuth2TokenProvider(new KeyProvider(List.of(), "ES256"), (Instant) null);
        SandboxTokenCallback callback = new SandboxTokenCallback(ISSUER_ID, accessTokenLifetime);
        OAuth2Config config = new OAuth2Config(
                true,   // interactive login: the authorization endpoint shows a login page a person or SandboxBrowser fills
                null,
                null,
                true,   // rotate refresh tokens
                tokens,
                Set.of(callback),
                http);
        // The device grant's routes are matched before mock-oauth2-server's own, which has no such grant.
        DeviceRoutes deviceRoutes = new DeviceRoutes(deviceGrants);
        MockOAuth2Server server = new MockOAuth2Server(config, deviceRoutes.routes());
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        try {
            return new SandboxOAuthServer(server, deviceRoutes, tokens, callback,
                    new SessionRegistry(reuse), new TokenEndpointFaults());
        } catch (IOException | RuntimeException e) {
            server.shutdown();
            throw e;
        }
    }

    /** A URL of mock-oauth2-server, as the clients see it: on the front's port. */
    private URI outside(HttpUrl url) {
        return url.newBuilder().port(front.port()).build().uri();
    }

    URI issuer() {
        return outside(server.issuerUrl(ISSUER_ID));
    }

    URI authorizationEndpoint() {
        return outside(server.authorizationEndpointUrl(ISSUER_ID));
    }

    URI tokenEndpoint() {
        return outside(server.tokenEndpointUrl(ISSUER_ID));
    }

    URI deviceAuthorizationEndpoint() {
        return outside(server.url(DeviceRoutes.DEVICE_AUTHORIZATION_PATH));
    }

    URI deviceVerificationUri() {
        return outside(server.url(DeviceRoutes.VERIFICATION_PATH));
    }

    URI jwksUri() {
        return outside(server.jwksUrl(ISSUER_ID));
    }

    URI revocationEndpoint() {
        return outside(server.revocationEndpointUrl(ISSUER_ID));
    }

    URI userInfoEndpoint() {
        return outside(server.userInfoUrl(ISSUER_ID));
    }

    URI discoveryUri() {
        return outside(server.wellKnownUrl(ISSUER_ID));
    }

    SessionRegistry sessions() {
        return sessions;
    }

    TokenEndpointFaults faults() {
        return faults;
    }

    int tokenEndpointPosts() {
        return tokenEndpoint.postCount();
    }

    List<TokenEndpointPost> tokenEndpointAnswers() {
        return tokenEndpoint.posts();
    }

    void setAccessTokenLifetime(Duration lifetime) {
        callback.setLifetime(lifetime);
    }

    /** Signs a token directly, bypassing any flow: for tests of what the mail servers refuse. */
    String issueToken(String subject, String scope, Duration lifetime) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("email", subject);
        claims.put("scope", scope);
        // Signed here rather than by server.issueToken, which would name mock-oauth2-server's own port as issuer.
        TokenRequest request = new TokenRequest(tokenEndpoint(), new ClientSecretBasic(
                new ClientID("oauthmail-sandbox-tests"), new Secret("unused")), new ClientCredentialsGrant());
        SignedJWT jwt = tokens.accessToken(request, HttpUrl.get(issuer()),
                new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of(SandboxTokenCallback.AUDIENCE),
                        claims, lifetime.toSeconds()), null);
        return jwt.serialize();
    }

    /**
     * How many token requests used {@code grantType} (e.g. {@code refresh_token}): every POST that reached the
     * front, refused and faulted ones included, and the code exchange of each device login the sandbox ran.
     */
    int tokenRequests(String grantType) {
        int own = "authorization_code".equals(grantType) ? deviceRoutes.logins() : 0;
        return tokenEndpoint.postCount(grantType) + own;
    }

    @Override
    public void close() {
        faults.close();
        front.close();
        server.shutdown();
    }
}
