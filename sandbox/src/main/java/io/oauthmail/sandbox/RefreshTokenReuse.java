package io.oauthmail.sandbox;

/** What the sandbox's OAuth server does when a client presents a refresh token it already spent. */
public enum RefreshTokenReuse {
    /**
     * The default, as Keycloak with revokeRefreshToken and reuse 0 (and Okta, Auth0 with rotation): the request
     * gets {@code invalid_grant} "Maximum allowed refresh token reuse exceeded" and the whole session ends: its
     * current refresh token is refused from then on, and so is every access token it issued.
     */
    ENDS_SESSION,
    /** Lenient, as mock-oauth2-server alone: the spent token gets {@code invalid_grant}, the session lives on. */
    REFUSES_TOKEN_ONLY
}
