package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.ops.FailureKind;
import java.time.Instant;

/** Counts the refresher's events in the daemon's metrics, then passes each on (to the notes and the hooks). */
final class MeteredEvents implements Events {

    private final DaemonMetrics metrics;
    private final Events next;

    MeteredEvents(DaemonMetrics metrics, Events next) {
        this.metrics = metrics;
        this.next = next;
    }

    @Override
    public void tokenRefreshed(Account account, Instant expiresAt) {
        metrics.refreshed();
        next.tokenRefreshed(account, expiresAt);
    }

    /** The refresher retries everything it reports here (it treats a damaged store like an unreachable endpoint). */
    @Override
    public void error(Account account, String message, Instant retryAt) {
        metrics.refreshFailed(FailureKind.TEMPORARY);
        next.error(account, message, retryAt);
    }

    @Override
    public void reauthorizationNeeded(Account account, String message, String fixCommand) {
        metrics.refreshFailed(FailureKind.REAUTHORIZATION_REQUIRED);
        next.reauthorizationNeeded(account, message, fixCommand);
    }

    @Override
    public void warning(Account account, String message) {
        next.warning(account, message);
    }
}
