package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes the refresher's events on, and writes down what {@code oauthmail accounts} must know after the daemon
 * is gone: a lost grant is noted in {@link LostGrants} (the store still holds the dead refresh token), and a
 * successful refresh removes the note.
 */
final class LostGrantNotes implements Events {

    private static final Logger LOG = LoggerFactory.getLogger(LostGrantNotes.class);

    private final Events next;
    private final LostGrants notes;
    private final TokenManager tokens;
    private final Clock clock;

    LostGrantNotes(Events next, LostGrants notes, TokenManager tokens, Clock clock) {
        this.next = next;
        this.notes = notes;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void tokenRefreshed(Account account, Instant expiresAt) {
        try {
            notes.clear(account.name());
        } catch (IOException e) {
            LOG.warn("{}: cannot remove the note of a lost grant: {}", account.name(), e.getMessage());
        }
        next.tokenRefreshed(account, expiresAt);
    }

    @Override
    public void error(Account account, String message, Instant retryAt) {
        next.error(account, message, retryAt);
    }

    @Override
    public void reauthorizationNeeded(Account account, String message, String fixCommand) {
        try {
            notes.record(account.name(), tokens.peek(account).orElse(null), message, clock.instant());
        } catch (IOException | RuntimeException e) {
            // the daemon's own status and the hook still say it; only `oauthmail accounts` will not know
            LOG.warn("{}: cannot note the lost grant for oauthmail accounts: {}", account.name(), e.getMessage());
        }
        next.reauthorizationNeeded(account, message, fixCommand);
    }

    @Override
    public void warning(Account account, String message) {
        next.warning(account, message);
    }
}
