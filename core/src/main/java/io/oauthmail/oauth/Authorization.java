package io.oauthmail.oauth;

import io.oauthmail.account.TokenSet;
import java.util.Optional;

/**
 * What a completed login gives: the tokens, and the e-mail address the provider says the user logged in as
 * (from the ID token), when it said one.
 */
public record Authorization(TokenSet tokens, String email) {

    public Optional<String> address() {
        return Optional.ofNullable(email);
    }
}
