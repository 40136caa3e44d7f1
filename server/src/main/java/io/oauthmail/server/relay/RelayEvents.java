package io.oauthmail.server.relay;

import io.oauthmail.server.relay.RelayQueue.Entry;
import java.time.Instant;
import java.util.List;

/**
 * What the relay's workers report, for the daemon's hooks and metrics. Never content, never a token; entries
 * carry only the envelope. Called from worker threads: keep it quick. Each does nothing unless overridden.
 */
public interface RelayEvents {

    /** Every recipient has it (or every recipient that did not bounce, see {@link #bounced}). */
    default void delivered(Entry entry) {
    }

    /** A temporary failure: tried again at {@code next}. */
    default void deferred(Entry entry, Instant next, String reason) {
    }

    /** These recipients failed for good and a bounce to the envelope sender was queued. */
    default void bounced(Entry entry, List<String> recipients, String reason) {
    }

    /** A bounce that could not be delivered: dropped, since a bounce never gets a bounce. */
    default void dropped(Entry entry, String reason) {
    }

    /** The account's grant is gone: its queue is held until {@code fixCommand} (a new login) has been run. */
    default void held(String account, String reason, String fixCommand) {
    }

    /** The account logged in again (or its held mail ran out of time): its queue flows again. */
    default void released(String account) {
    }

    /** Does nothing: every method's default. */
    RelayEvents NONE = new RelayEvents() {
    };
}
