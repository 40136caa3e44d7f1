package io.oauthmail.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refresh margin rule of {@link TokenSet}'s class comment, for every lifetime the test bed and providers use. */
class TokenSetTest {

    private static final Instant OBTAINED = Instant.parse("2026-11-26T12:00:00Z");
    private static final Duration MAX = Duration.ofMinutes(5);

    private static TokenSet living(Duration lifetime) {
        return new TokenSet("at", OBTAINED.plus(lifetime), "rt", OBTAINED, List.of(), null, OBTAINED);
    }

    @Test
    void marginIsAQuarterOfTheLifetimeBetweenTheFloorAndTheMaximum() {
        assertThat(living(Duration.ofSeconds(5)).refreshMargin(MAX)).isEqualTo(Duration.ofSeconds(2)); // half: 5 s tokens
        assertThat(living(Duration.ofSeconds(20)).refreshMargin(MAX)).isEqualTo(Duration.ofSeconds(10)); // the floor
        assertThat(living(Duration.ofSeconds(60)).refreshMargin(MAX)).isEqualTo(Duration.ofSeconds(15));
        assertThat(living(Duration.ofSeconds(300)).refreshMargin(MAX)).isEqualTo(Duration.ofSeconds(75));
        assertThat(living(Duration.ofSeconds(3599)).refreshMargin(MAX)).isEqualTo(MAX); // Google's expires_in
        assertThat(living(Duration.ofDays(3650)).refreshMargin(MAX)).isEqualTo(MAX);
    }

    @Test
    void unknownLifetimeGetsTheMaximumAndDueTimeFollowsTheMargin() {
        TokenSet old = new TokenSet("at", OBTAINED.plusSeconds(60), "rt", null, List.of(), null);
        assertThat(old.lifetime()).isEmpty();
        assertThat(old.refreshMargin(MAX)).isEqualTo(MAX);

        TokenSet minute = living(Duration.ofSeconds(60));
        assertThat(minute.refreshDueAt(MAX)).isEqualTo(OBTAINED.plusSeconds(45));
        assertThat(minute.needsRefresh(MAX, OBTAINED.plusSeconds(44))).isFalse();
        assertThat(minute.needsRefresh(MAX, OBTAINED.plusSeconds(45))).isTrue();
    }
}
