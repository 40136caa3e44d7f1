package io.oauthmail.error;

/**
 * An authorization flow did not complete: the user declined, the {@code state} did not match, the time ran
 * out, the provider refused the request. Nothing was stored.
 */
public final class AuthorizationFailed extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    public AuthorizationFailed(String message, String hint) {
        super(message, hint);
    }

    public AuthorizationFailed(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
