package io.oauthmail.server.relay;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts whose queue is held because their grant is gone, and when to lift the hold: when the store holds
 * another refresh token than the dead one (the user ran {@code oauthmail login}, here or on another host; the
 * refresher watches the same way), when the daemon says so ({@link RelayDelivery#loggedIn}), or when held mail
 * has been queued for the whole {@code max_queue_time}: the hold is lifted so that the workers claim it, meet
 * the lost grant again and bounce what has run out of time (the rest is held again).
 */
final class RelayHolds {

    private static final Logger LOG = LoggerFactory.getLogger(RelayHolds.class);
    /** How often the whole queue is read for held accounts this daemon does not know of (held before a restart). */
    private static final Duration SCAN = Duration.ofMinutes(1);

    private final RelayQueue queue;
    private final Function<String, Optional<Account>> accounts;
    private final TokenManager tokens;
    private final Backoff backoff;
    private final RelayEvents events;
    /** Account name to a fingerprint of the refresh token it had when held ("" for none). */
    private final Map<String, String> held = new ConcurrentHashMap<>();
    private Instant lastScan = Instant.MIN;
    private Instant lastLoginCheck = Instant.MIN;

    RelayHolds(RelayQueue queue, Function<String, Optional<Account>> accounts, TokenManager tokens, Backoff backoff,
            RelayEvents events) {
        this.queue = queue;
        this.accounts = accounts;
        this.tokens = tokens;
        this.backoff = backoff;
        this.events = events;
    }

    void held(Account account) {
        held.put(account.name(), refreshToken(account));
    }

    boolean isHeld(String name) {
        return held.containsKey(name);
    }

    /** Lifts holds that should end; called by the poller before each claim. */
    synchronized void check(Instant now) throws IOException {
        if (!now.isBefore(lastScan.plus(SCAN))) {
            lastScan = now;
            for (RelayQueue.Entry entry : queue.list()) {
                String name = entry.envelope().account();
                if (entry.heldBecause().isPresent()) {
                    held.computeIfAbsent(name, n -> accounts.apply(n).map(this::refreshToken).orElse(""));
                    if (backoff.expired(entry.envelope().received(), now) && held.containsKey(name)) {
                        release(name, "its held mail has been queued for " + backoff.maxQueueTime().toHours() + " hours");
                    }
                }
            }
        }
        if (held.isEmpty() || now.isBefore(lastLoginCheck.plusSeconds(1))) {
            return; // the poller also runs after every drained lane: the store is read at most once a second
        }
        lastLoginCheck = now;
        for (String name : held.keySet()) {
            Optional<Account> account = accounts.apply(name);
            if (account.isPresent() && !refreshToken(account.get()).equals(held.get(name))) {
                release(name, "the account logged in again");
            }
        }
    }

    /** The daemon saw fresh tokens for {@code name}. */
    void loggedIn(String name) throws IOException {
        if (held.containsKey(name)) {
            release(name, "the account logged in again");
        }
    }

    private void release(String name, String why) throws IOException {
        queue.hold(name, Optional.empty());
        held.remove(name);
        LOG.atInfo().addKeyValue("event", "relay_delivery").addKeyValue("outcome", "released")
                .log("{}: queue released: {}", name, why);
        events.released(name);
    }

    private String refreshToken(Account account) {
        try {
            // a fingerprint, so no refresh token lingers here; a change is all that matters
            return tokens.peek(account).map(TokenSet::refreshToken).map(t -> Integer.toHexString(t.hashCode())).orElse("");
        } catch (RuntimeException e) {
            return ""; // an unreadable store reads as "no new login yet"; the scan tries again
        }
    }
}
