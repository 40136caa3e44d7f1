package io.oauthmail.provider;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * A provider's OAuth 2.0 endpoints. Only authorization and token are required; the others are
 * {@code null} where the provider has none (Microsoft has no revocation endpoint).
 */
public record OAuthEndpoints(URI authorization, URI token, URI deviceAuthorization, URI revocation, URI userInfo) {

    public OAuthEndpoints {
        Objects.requireNonNull(authorization, "authorization endpoint");
        Objects.requireNonNull(token, "token endpoint");
    }

    public Optional<URI> device() {
        return Optional.ofNullable(deviceAuthorization);
    }

    public Optional<URI> revocationEndpoint() {
        return Optional.ofNullable(revocation);
    }

    public Optional<URI> userInfoEndpoint() {
        return Optional.ofNullable(userInfo);
    }
}
