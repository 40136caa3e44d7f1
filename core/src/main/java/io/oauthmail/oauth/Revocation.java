package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Ends a grant at the provider (RFC 7009): the refresh token is revoked, which takes its access tokens with it,
 * else the access token. Providers without a revocation endpoint (Microsoft) cannot be asked; the grant then
 * stays valid until it expires or the user removes the app's access.
 */
public final class Revocation {

    /**
     * What happened: {@code endpoint} is empty where the provider has none; {@code problem} is null when the
     * provider confirmed, else what went wrong (an HTTP status or the network error), never a token.
     */
    public record Outcome(Optional<URI> endpoint, String problem) {
        public boolean revoked() {
            return endpoint.isPresent() && problem == null;
        }
    }

    private Revocation() {
    }

    public static Outcome revoke(Account account, TokenSet tokens, Duration timeout) {
        Optional<URI> endpoint = account.provider().endpoints().revocationEndpoint();
        if (endpoint.isEmpty()) {
            return new Outcome(endpoint, null);
        }
        Token token = tokens.refreshToken() != null ? new RefreshToken(tokens.refreshToken())
                : (AccessToken) new BearerAccessToken(tokens.accessToken());
        TokenRevocationRequest request = account.secret()
                .map(secret -> new TokenRevocationRequest(endpoint.get(), new ClientSecretPost(
                        new ClientID(account.clientId()), new Secret(secret)), token))
                .orElseGet(() -> new TokenRevocationRequest(endpoint.get(), new ClientID(account.clientId()), token));
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        try {
            HTTPResponse response = http.send();
            return new Outcome(endpoint, response.indicatesSuccess() ? null : "HTTP " + response.getStatusCode());
        } catch (IOException e) {
            return new Outcome(endpoint, e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
    }
}
