package io.oauthmail.server;

import io.oauthmail.account.Account;
import java.time.Instant;

/** What the daemon reports as it keeps tokens fresh. Messages never contain a token. */
interface Events {

    void tokenRefreshed(Account account, Instant expiresAt);

    /** A temporary failure; the refresh is tried again at {@code retryAt}. */
    void error(Account account, String message, Instant retryAt);

    /** The grant is gone: only {@code fixCommand} (a new login) helps. */
    void reauthorizationNeeded(Account account, String message, String fixCommand);

    /** Trouble ahead, e.g. a Google "Testing" refresh token near its 7th day. */
    void warning(Account account, String message);

    /** Does nothing: for callers that only want the state. */
    Events NONE = new Events() {
        @Override
        public void tokenRefreshed(Account account, Instant expiresAt) {
        }

        @Override
        public void error(Account account, String message, Instant retryAt) {
        }

        @Override
        public void reauthorizationNeeded(Account account, String message, String fixCommand) {
        }

        @Override
        public void warning(Account account, String message) {
        }
    };
}
