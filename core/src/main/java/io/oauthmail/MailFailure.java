package io.oauthmail;

/**
 * A mail server refused or failed an operation (authentication, sending, reading). The message carries the
 * server's reply, decoded where the provider encodes it, never the token.
 */
public final class MailFailure extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    public MailFailure(String message, String hint, Throwable cause) {
        super(message, hint, cause);
    }
}
