package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IntakeGateTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void withNoAcceptsOrNoWaitItIsOpen() {
        assertThat(new IntakeGate(Duration.ofSeconds(5)).opensAt(T0)).isEqualTo(T0);
        IntakeGate never = new IntakeGate(Duration.ZERO);
        never.accepted(T0);
        assertThat(never.opensAt(T0)).isEqualTo(T0);
    }

    @Test
    void itOpensAPauseAfterTheLastAccept() {
        IntakeGate gate = new IntakeGate(Duration.ofSeconds(5));
        gate.accepted(T0);
        gate.accepted(T0.plusMillis(100));
        assertThat(gate.opensAt(T0.plusMillis(150))).isEqualTo(T0.plusMillis(100).plus(IntakeGate.QUIET));
        assertThat(gate.opensAt(T0.plusSeconds(1))).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aBurstThatNeverPausesOpensItAfterTheWaitUntilItPauses() {
        IntakeGate gate = new IntakeGate(Duration.ofSeconds(5));
        Instant at = T0;
        for (; at.isBefore(T0.plusSeconds(6)); at = at.plusMillis(50)) {
            gate.accepted(at);
        }
        assertThat(gate.opensAt(at)).as("still one burst: open since T0 + 5 s").isEqualTo(at);
        Instant afterPause = at.plusSeconds(1);
        gate.accepted(afterPause);
        assertThat(gate.opensAt(afterPause)).as("a new burst").isEqualTo(afterPause.plus(IntakeGate.QUIET));
    }
}
