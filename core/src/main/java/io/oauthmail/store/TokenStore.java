package io.oauthmail.store;

import io.oauthmail.token.TokenSet;
import java.util.Optional;

/** Where accounts' tokens are kept between runs. Implementations are safe for use from several threads. */
public interface TokenStore {

    /** The tokens of {@code account}, or empty if it never logged in (or logged out). */
    Optional<TokenSet> load(String account);

    /** Replaces the tokens of {@code account}; when this returns, they survive a crash. */
    void save(String account, TokenSet tokens);

    /** Forgets {@code account}'s tokens; does nothing if there are none. */
    void delete(String account);
}
