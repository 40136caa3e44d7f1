package io.oauthmail.cli;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.token.RefreshEvents;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/** The token manager's warnings, for a person: one line each on stderr, so stdout stays the token alone. */
final class WarningsOnStderr implements RefreshEvents {

    private final PrintWriter err;

    WarningsOnStderr(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void servedDespiteFailure(Account account, TokenSet tokens, TemporaryFailure failure) {
        long left = Math.max(0, Duration.between(Instant.now(), tokens.expiresAt()).toSeconds());
        err.println("oauthmail: warning: " + failure.getMessage() + "; using the current access token, valid "
                + left + " s more");
        err.flush();
    }

    @Override
    public void resendingAfterLostAnswer(Account account, TemporaryFailure failure) {
        err.println("oauthmail: warning: " + failure.getMessage() + "; sending the refresh once more");
        err.flush();
    }
}
