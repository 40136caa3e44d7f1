package io.oauthmail;

/**
 * A failure that may pass by itself: the network, a timeout, a 5xx or 429 from the provider. The refresh
 * token is kept; trying again later is the right thing to do.
 */
public final class TemporaryFailure extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    public TemporaryFailure(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
