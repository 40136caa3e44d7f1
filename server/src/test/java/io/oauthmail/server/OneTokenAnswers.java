package io.oauthmail.server;

import io.oauthmail.account.TokenSet;
import java.util.Optional;

/** A daemon's answers for the control socket's tests: one account's token, an empty status, a reload that does nothing. */
record OneTokenAnswers(String account, TokenSet token) implements ControlServer.Answers {

    @Override
    public String status() {
        return "";
    }

    @Override
    public Optional<TokenSet> token(String name) {
        return name.equals(account) ? Optional.of(token) : Optional.empty();
    }

    @Override
    public String reload() {
        return "";
    }
}
