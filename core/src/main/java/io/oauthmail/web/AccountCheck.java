package io.oauthmail.web;

import io.oauthmail.token.TokenState;
import java.net.URI;
import java.util.Optional;

/**
 * Whether an account can be used without its person, and if not, why and where to send them.
 *
 * @param account       the account's name
 * @param state         in the words of {@code oauthmail accounts}: {@code ok}, {@code retrying} (the provider could
 *                      not be asked just now), {@code needs-login}, {@code not-logged-in}, {@code unreadable}
 * @param reason        why it needs re-authorization or is retrying, for a person; {@code null} when all is well
 * @param reauthorizeAt the authorization URL to send the person to (bound to the browser session given), when
 *                      only they can help; else {@code null}
 */
public record AccountCheck(String account, TokenState state, String reason, URI reauthorizeAt) {

    public boolean needsReauthorization() {
        return reauthorizeAt != null;
    }

    public Optional<URI> sendUserTo() {
        return Optional.ofNullable(reauthorizeAt);
    }
}
