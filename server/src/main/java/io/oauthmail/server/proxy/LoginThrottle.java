package io.oauthmail.server.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows down the client addresses that fail local logins, and only them. Each failure from an address adds
 * one to its count, which fades by one every {@link Settings#forgetOneAfter}; while it is above zero, the
 * address's password checks are spaced apart, {@link Settings#firstDelay} after one failure and twice as much for
 * each further one, up to {@link Settings#maxDelay}. The spacing holds across all of the address's connections
 * at once (checks take turns), so forty connections guess no faster than one; a check never waits longer than
 * {@code maxDelay}, so sessions are not held forever.
 *
 * <p>Memory is bounded: only failing addresses are kept, at most {@link Settings#maxAddresses} (the least recently
 * seen goes first), and one whose count has faded is dropped when next seen. IPv6 addresses count by their /64,
 * which one host usually owns whole. A password already known to be right is never throttled: that check comes
 * first ({@link LoginCheck}), so the owner is not locked out by a guesser behind the same address.
 *
 * <p>No I/O and no sleeping: the caller waits the returned time however its sessions wait. Public so the web
 * console's login (server.web) follows the same rules as the proxy's local passwords.
 */
public final class LoginThrottle {

    /** The spacing after failures and how it fades; how many addresses are remembered. */
    record Settings(Duration firstDelay, Duration maxDelay, Duration forgetOneAfter, int maxAddresses) {

        /**
         * One second after a failure, as mail servers pause; 30 s at most, below every client's timeout; a failure
         * forgotten after a minute, so a user who mistyped a few times is back to full speed soon after.
         */
        static final Settings DEFAULT = new Settings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), 10_000);

        Settings {
            if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || forgetOneAfter.isNegative()
                    || forgetOneAfter.isZero() || maxAddresses < 1) {
                throw new IllegalArgumentException("inconsistent login throttle settings: " + this);
            }
        }
    }

    /** One failing address: its fading count as of {@code at}, and when its next check may start. */
    private static final class Failures {
        double count;
        Instant at;
        Instant nextCheck;

        Failures(Instant now) {
            at = now;
            nextCheck = now;
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<InetAddress, Failures> byAddress;

    /** The proxy's rules ({@link Settings#DEFAULT}): a second after a failure, doubling, 30 s at most. */
    public static LoginThrottle standard(Clock clock) {
        return new LoginThrottle(Settings.DEFAULT, clock);
    }

    LoginThrottle(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.byAddress = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Failures> eldest) {
                return size() > settings.maxAddresses();
            }
        };
    }

    /**
     * How long a check of a password from {@code address} must wait (zero for an address with no recent failures),
     * and takes that turn: the next check from the address comes one spacing later.
     */
    public synchronized Duration beforeCheck(InetAddress address) {
        Instant now = clock.instant();
        Failures failures = current(key(address), now);
        if (failures == null) {
            return Duration.ZERO;
        }
        Instant latest = now.plus(settings.maxDelay());
        Instant turn = failures.nextCheck.isBefore(now) ? now : failures.nextCheck.isAfter(latest) ? latest : failures.nextCheck;
        failures.nextCheck = turn.plus(spacing(failures.count));
        return Duration.between(now, turn);
    }

    /** A check from {@code address} failed: its count goes up, and its next check waits the new spacing. */
    public synchronized void failed(InetAddress address) {
        Instant now = clock.instant();
        InetAddress key = key(address);
        Failures failures = current(key, now);
        if (failures == null) {
            failures = new Failures(now);
            byAddress.put(key, failures);
        }
        failures.count += 1;
        Instant next = now.plus(spacing(failures.count));
        if (next.isAfter(failures.nextCheck)) {
            failures.nextCheck = next;
        }
    }

    /** The address's failures as counted now (faded); for tests and the log. */
    synchronized double failures(InetAddress address) {
        Failures failures = current(key(address), clock.instant());
        return failures == null ? 0 : failures.count;
    }

    /** How many addresses are remembered: bounded by {@link Settings#maxAddresses}. */
    synchronized int addresses() {
        return byAddress.size();
    }

    /** The record of {@code key} with its count faded to {@code now}; null (and dropped) once nothing is left of it. */
    private Failures current(InetAddress key, Instant now) {
        Failures failures = byAddress.get(key);
        if (failures == null) {
            return null;
        }
        double faded = (double) Duration.between(failures.at, now).toNanos() / settings.forgetOneAfter().toNanos();
        failures.count = Math.max(0, failures.count - Math.max(0, faded));
        failures.at = now;
        if (failures.count == 0 && !failures.nextCheck.isAfter(now)) {
            byAddress.remove(key);
            return null;
        }
        return failures;
    }

    /** Zero below one failure; then the first delay, doubled per further (partly faded) failure, capped. */
    private Duration spacing(double count) {
        if (count <= 0) {
            return Duration.ZERO;
        }
        int doublings = (int) Math.min(30, Math.ceil(count) - 1);
        long nanos = settings.firstDelay().toNanos();
        long max = settings.maxDelay().toNanos();
        return Duration.ofNanos(nanos > (max >> doublings) ? max : Math.min(max, nanos << doublings));
    }

    /** IPv6 by its /64: a host gets a whole /64 and could otherwise try each of its addresses in turn. */
    private static InetAddress key(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return address; // cannot happen for 16 bytes
        }
    }
}
