package io.oauthmail.server.relay;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How one delivery attempt of a queued message ended, as {@link RelayDelivery} acts on it. */
sealed interface Attempt {

    /** Every recipient accepted. */
    record Delivered() implements Attempt {
    }

    /**
     * The whole message failed for now (network, a 4xx, the token endpoint down, provider throttling): try all
     * of it again later, not before {@code retryAfter} when the provider said.
     */
    record Temporary(String reason, Optional<Duration> retryAfter) implements Attempt {
    }

    /** The whole message was refused for good (a 5xx to the message, a malformed one): bounce every recipient. */
    record Permanent(String reason) implements Attempt {
    }

    /**
     * Recipients were answered one by one: {@code sent} have it, {@code refused} were refused for good (they
     * bounce), {@code later} for now (they are tried again, alone).
     */
    record Refusals(List<String> sent, List<Refusal> refused, List<Refusal> later) implements Attempt {
        public Refusals {
            sent = List.copyOf(sent);
            refused = List.copyOf(refused);
            later = List.copyOf(later);
        }
    }

    /** The account's grant is gone: hold its queue until the user logs in again. */
    record LostGrant(String reason, String fixCommand) implements Attempt {
    }

    /** A recipient and the server's reply to it, e.g. {@code 550 5.1.1 no such user}. */
    record Refusal(String recipient, String reply) {
    }
}
