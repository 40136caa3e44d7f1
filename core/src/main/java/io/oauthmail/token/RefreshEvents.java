package io.oauthmail.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.TemporaryFailure;

/**
 * What a {@link TokenManager} tells its owner besides results: the CLI prints these as warnings on stderr, the
 * daemon logs them. Every method has a default that does nothing. Messages never carry a token.
 */
public interface RefreshEvents {

    RefreshEvents NONE = new RefreshEvents() {
    };

    /**
     * A refresh failed for a temporary reason, and the caller was given the current access token, which has not
     * expired yet ({@code tokens.expiresAt()} says until when).
     */
    default void servedDespiteFailure(Account account, TokenSet tokens, TemporaryFailure failure) {
    }

    /** A refresh request's answer was lost; it is being sent once more, knowingly. */
    default void resendingAfterLostAnswer(Account account, TemporaryFailure failure) {
    }

    /**
     * An earlier refresh's answer, kept as it arrived but never saved (its process died in between), was found and
     * its tokens saved: the rotated refresh token it carried was not lost.
     */
    default void recoveredUnsavedAnswer(Account account, TokenSet tokens) {
    }
}
