package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The per-address throttle: growing, capped, shared by an address's connections, fading, and bounded in memory. */
class LoginThrottleTest {

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock();
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Settings(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), 100), clock);

    private static InetAddress address(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void anAddressWithoutFailuresNeverWaitsAndIsNotRemembered() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(throttle.beforeCheck(address("192.0.2.1"))).isZero();
        }
        assertThat(throttle.addresses()).isZero();
    }

    @Test
    void eachFailureDoublesTheWaitUpToTheCap() throws Exception {
        InetAddress guesser = address("192.0.2.7");
        Duration[] expected = {Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(30), Duration.ofSeconds(30)};
        for (Duration wait : expected) {
            assertThat(throttle.beforeCheck(guesser)).isEqualTo(wait);
            clock.now = clock.now.plus(wait); // the check runs at its turn, and fails
            throttle.failed(guesser);
        }
        assertThat(throttle.beforeCheck(address("192.0.2.8"))).as("another address").isZero();
    }

    @Test
    void manyConnectionsFromOneAddressTakeTurnsAndNoneWaitsLongerThanTheCap() throws Exception {
        InetAddress guesser = address("192.0.2.9");
        throttle.failed(guesser);
        throttle.failed(guesser);
        throttle.failed(guesser); // 4 s apart from now on
        long[] waits = new long[12];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = throttle.beforeCheck(guesser).toSeconds();
        }
        assertThat(waits).containsExactly(4, 8, 12, 16, 20, 24, 28, 30, 30, 30, 30, 30);
    }

    @Test
    void failuresFadeAndTheAddressIsForgotten() throws Exception {
        InetAddress typo = address("192.0.2.10");
        throttle.failed(typo);
        throttle.failed(typo);
        clock.now = clock.now.plus(Duration.ofSeconds(90));
        assertThat(throttle.failures(typo)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
        assertThat(throttle.beforeCheck(typo)).as("quiet for longer than the spacing").isZero();
        assertThat(throttle.beforeCheck(typo)).as("a second check at once takes the next turn").isEqualTo(Duration.ofSeconds(1));
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(throttle.beforeCheck(typo)).isZero();
        assertThat(throttle.addresses()).isZero();
    }

    @Test
    void aScanOfManyAddressesIsBoundedInMemory() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            throttle.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertThat(throttle.addresses()).isEqualTo(100);
    }

    @Test
    void anIpv6HostCountsAsItsWholeSlash64() throws Exception {
        throttle.failed(address("2001:db8:1:2::1"));
        throttle.failed(address("2001:db8:1:2::ffff"));
        assertThat(throttle.failures(address("2001:db8:1:2:abcd::7"))).isEqualTo(2);
        assertThat(throttle.failures(address("2001:db8:1:3::1"))).isZero();
    }
}
