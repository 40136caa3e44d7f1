package io.oauthmail.error;

/**
 * The grant is gone for good (revoked, expired, password changed, {@code invalid_grant}): only a new login
 * fixes it. Retrying would not help, so nothing retries it.
 */
public final class ReauthorizationRequired extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    private final String account;
    private final String reason;

    public ReauthorizationRequired(String account, String reason, String hint) {
        super("account " + account + " needs to be authorized again: " + reason, hint);
        this.account = account;
        this.reason = reason;
    }

    public String account() {
        return account;
    }

    /** Why, without the account: e.g. "the provider answered invalid_grant: Token has been expired or revoked." */
    public String reason() {
        return reason;
    }
}
