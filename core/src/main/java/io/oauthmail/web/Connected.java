package io.oauthmail.web;

import java.net.URI;
import java.util.Optional;

/**
 * What a completed callback did: the account's tokens are stored, and this says whether a refresh token came
 * with them. No token is held here.
 *
 * @param account      the account's name
 * @param email        the address the provider says the person logged in as, or {@code null} when it said none
 * @param refreshToken what became of the refresh token
 * @param askAgain     for {@link RefreshToken#MISSING}: the authorization URL that forces a consent yielding a
 *                     refresh token (already bound to the same browser session); {@code null} otherwise, and also
 *                     when the login had forced that consent already (asking again would loop: the provider's
 *                     settings for this client must change)
 */
public record Connected(String account, String email, RefreshToken refreshToken, URI askAgain) {

    /** The refresh token after the code exchange. */
    public enum RefreshToken {
        /** The provider issued one; it is stored (replacing any older one). */
        RECEIVED,
        /**
         * The provider issued none (Google, to a person who consented before, without {@code prompt=consent}), and
         * the one already stored for the account was kept with the new access token.
         */
        KEPT_STORED,
        /**
         * None was issued and none usable is stored: the access token works until it expires, then the account
         * needs the person again. Send them to {@link Connected#askAgain()} when there is one. If that forced
         * consent brings none either, {@code askAgain} is {@code null}: the provider does not give this client
         * refresh tokens (check its offline access and consent settings there).
         */
        MISSING
    }

    public Optional<URI> sendUserTo() {
        return Optional.ofNullable(askAgain);
    }
}
