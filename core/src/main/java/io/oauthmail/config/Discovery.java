package io.oauthmail.config;

import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.OAuthEndpoints;
import java.io.IOException;
import java.net.URI;

/**
 * OpenID Connect discovery for {@code --provider generic --issuer URL}: reads the issuer's
 * {@code .well-known/openid-configuration} once, at {@code accounts add}, and the endpoints are written into
 * the config, so later runs need neither the network round trip nor the issuer's discovery to be up.
 */
public final class Discovery {

    private Discovery() {
    }

    public static OAuthEndpoints discover(URI issuer) {
        try {
            OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(issuer), 10_000, 10_000);
            if (metadata.getAuthorizationEndpointURI() == null || metadata.getTokenEndpointURI() == null) {
                throw new TemporaryFailure("the discovery document of " + issuer + " names no authorization or token endpoint",
                        "give them with --authorization-endpoint and --token-endpoint", null);
            }
            return new OAuthEndpoints(metadata.getAuthorizationEndpointURI(), metadata.getTokenEndpointURI(),
                    metadata.getDeviceAuthorizationEndpointURI(), metadata.getRevocationEndpointURI(),
                    metadata.getUserInfoEndpointURI());
        } catch (GeneralException | IOException e) {
            throw new TemporaryFailure("cannot read the OpenID configuration of " + issuer + ": " + e.getMessage(),
                    "check the issuer URL (it must serve .well-known/openid-configuration)", e);
        }
    }
}
