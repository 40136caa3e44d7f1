package io.oauthmail;

/**
 * The grant is gone for good (revoked, expired, password changed, {@code invalid_grant}): only a new login
 * fixes it. Retrying would not help, so nothing retries it.
 */
public final class ReauthorizationRequired extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    public ReauthorizationRequired(String account, String reason, String hint) {
        super("account " + account + " needs to be authorized again: " + reason, hint);
    }
}
