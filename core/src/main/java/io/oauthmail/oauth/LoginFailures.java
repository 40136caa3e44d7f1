package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.ErrorObject;
import io.oauthmail.account.Account;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.TemporaryFailure;
import java.util.function.Supplier;

/**
 * How a login's requests fail, as opposed to a refresh's. During a login nothing is stored yet, so there is no
 * refresh token to keep or lose: an OAuth error from the device authorization endpoint or from the code exchange
 * (a 400 for a missing PKCE parameter, a replayed code's {@code invalid_grant}, an unknown client) means this
 * login failed and will fail again until something changes ({@link AuthorizationFailed}), and a network failure
 * or a busy provider stays temporary, with a hint to run the login again instead of the refresh's "kept" hint.
 */
final class LoginFailures {

    private LoginFailures() {
    }

    /** {@code endpoint} (e.g. "the token endpoint 127.0.0.1") answered {@code error} with HTTP {@code status}. */
    static AuthorizationFailed refused(Account account, String endpoint, ErrorObject error, int status, String retry) {
        String code = error.getCode() == null ? "HTTP " + status : error.getCode();
        String description = error.getDescription() == null ? "" : ": " + error.getDescription();
        return new AuthorizationFailed("account " + account.name() + ": " + endpoint + " refused the login (" + code
                + description + ", HTTP " + status + "); nothing was stored",
                hint(error.getCode(), account, retry));
    }

    private static String hint(String code, Account account, String retry) {
        if ("invalid_grant".equals(code)) {
            // a code used twice, or too old: each login gets a fresh one
            return "the authorization code was used already or expired; run it again: " + retry;
        }
        if ("invalid_client".equals(code) || "unauthorized_client".equals(code)) {
            return "the provider does not accept client " + account.clientId() + " for this flow: check its client ID,"
                    + " secret and allowed flows at the provider, then run " + retry;
        }
        return "this will fail again until the request or the client's settings at the provider change (its message"
                + " above says what it wants); then run " + retry;
    }

    /** Runs one request of a login; a temporary failure gets a hint to run the login again. */
    static <T> T during(String retry, Supplier<T> request) {
        try {
            return request.get();
        } catch (TemporaryFailure e) {
            throw new TemporaryFailure(e.getMessage(), "try again in a minute: " + retry, e, e.retryAfter().orElse(null));
        }
    }
}
