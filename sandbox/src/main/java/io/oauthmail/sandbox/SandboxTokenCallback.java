package io.oauthmail.sandbox;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * What goes into the tokens the sandbox issues. mock-oauth2-server's login wraps this callback: the login
 * name becomes {@code sub}, and the claims the login page submits ({@code email}, the approved {@code scope})
 * are added. The refresh grant reuses the same wrapped callback, so refreshed tokens keep user and scope.
 */
final class SandboxTokenCallback implements OAuth2TokenCallback {

    static final String AUDIENCE = "oauthmail-sandbox-mail";

    private final String issuerId;
    /** Read at every issue: mock-oauth2-server asks the callback for each token, so a change applies at once. */
    private volatile long lifetimeSeconds;

    SandboxTokenCallback(String issuerId, Duration lifetime) {
        this.issuerId = issuerId;
        setLifetime(lifetime);
    }

    void setLifetime(Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("an access-token lifetime must be a positive number of whole seconds: "
                    + lifetime);
        }
        this.lifetimeSeconds = lifetime.toSeconds();
    }

    @Override
    public String issuerId() {
        return issuerId;
    }

    @Override
    public String subject(TokenRequest request) {
        // Without a login (client credentials) the client itself is the subject, as at the real providers.
        return clientId(request);
    }

    @Override
    public String typeHeader(TokenRequest request) {
        return JOSEObjectType.JWT.getType();
    }

    @Override
    public List<String> audience(TokenRequest request) {
        return List.of(AUDIENCE);
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("tid", issuerId);
        if (GrantType.AUTHORIZATION_CODE.equals(request.getAuthorizationGrant().getType())) {
            claims.put("azp", clientId(request));
        }
        return claims;
    }

    @Override
    public long tokenExpiry() {
        return lifetimeSeconds;
    }

    private static String clientId(TokenRequest request) {
        ClientAuthentication auth = request.getClientAuthentication();
        ClientID id = auth != null ? auth.getClientID() : request.getClientID();
        return id != null ? id.getValue() : "unknown-client";
    }
}
