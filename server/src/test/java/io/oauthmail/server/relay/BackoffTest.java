package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void waitsDoubleFromAMinuteUpToAnHour() {
        Backoff backoff = Backoff.DEFAULT;
        assertThat(backoff.next(1, NOW, Optional.empty())).isEqualTo(NOW.plusSeconds(60));
        assertThat(backoff.next(2, NOW, Optional.empty())).isEqualTo(NOW.plusSeconds(120));
        assertThat(backoff.next(6, NOW, Optional.empty())).isEqualTo(NOW.plus(Duration.ofMinutes(32)));
        assertThat(backoff.next(7, NOW, Optional.empty())).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(backoff.next(500, NOW, Optional.empty())).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void aProvidersRetryAfterWinsWhenLonger() {
        assertThat(Backoff.DEFAULT.next(1, NOW, Optional.of(Duration.ofMinutes(5)))).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertThat(Backoff.DEFAULT.next(1, NOW, Optional.of(Duration.ofSeconds(5)))).isEqualTo(NOW.plusSeconds(60));
        assertThat(Backoff.DEFAULT.next(9, NOW, Optional.of(Duration.ofHours(3)))).isEqualTo(NOW.plus(Duration.ofHours(3)));
    }

    @Test
    void aMessageExpiresFiveDaysAfterItWasAccepted() {
        Instant received = NOW.minus(Duration.ofDays(5));
        assertThat(Backoff.DEFAULT.expired(received, NOW)).isTrue();
        assertThat(Backoff.DEFAULT.expired(received.plusSeconds(1), NOW)).isFalse();
    }
}
