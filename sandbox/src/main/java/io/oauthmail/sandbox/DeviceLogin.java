package io.oauthmail.sandbox;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.io.IOException;
import java.net.URI;

/**
 * How an approved device gets ordinary sandbox tokens: mock-oauth2-server has no device grant, so once the
 * person approves a user code the sandbox runs a real authorization-code + PKCE login for them against its
 * own OAuth server, over HTTP, exactly as {@link SandboxBrowser} and a loopback client would. The tokens are
 * then indistinguishable from a browser login's: the refresh token works (and rotates) at the token endpoint,
 * and the mail servers accept the access token.
 */
final class DeviceLogin {

    /** Never contacted: the login's redirect is read from the Location header, not followed. */
    private static final URI REDIRECT = URI.create("http://127.0.0.1/oauthmail-sandbox/device-approved");

    private DeviceLogin() {
    }

    /**
     * Logs {@code user} in for {@code clientId} and {@code scope}; returns the token endpoint's JSON answer.
     * {@code issuer} is the public one (the front's); {@code directTokenEndpoint} is mock-oauth2-server's own.
     */
    static String tokenResponse(URI issuer, URI directTokenEndpoint, String clientId, String scope, String user) {
        CodeVerifier verifier = new CodeVerifier();
        Scope requested = scope == null ? new Scope() : Scope.parse(scope);
        // mock-oauth2-server parses every authorization request as OpenID Connect, which requires "openid".
        requested.add("openid");
        URI authorization = new AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(clientId))
                .endpointURI(URI.create(issuer + "/authorize"))
                .redirectionURI(REDIRECT)
                .scope(requested)
                .state(new State())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build().toURI();
        URI back = new SandboxBrowser().login(authorization, user);
        String code = SandboxBrowser.queryParameters(back).get("code");
        if (code == null) {
            throw new IllegalStateException("the sandbox login for the device grant returned no code");
        }
        try {
            HTTPRequest exchange = new TokenRequest(directTokenEndpoint, new ClientID(clientId),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT, verifier)).toHTTPRequest();
            // Past the front: this exchange is the sandbox's own doing, not a client's request, so no test fault may
            // hit it and the wire log must not show it. The header keeps the front's port in the tokens' issuer.
            exchange.setHeader("X-Forwarded-Port", Integer.toString(issuer.getPort()));
            HTTPResponse response = exchange.send();
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("the sandbox token endpoint refused the device login's code: HTTP "
                        + response.getStatusCode());
            }
            return response.getContent();
        } catch (IOException e) {
            throw new IllegalStateException("the sandbox token endpoint could not be reached: " + e.getMessage(), e);
        }
    }
}
