package io.oauthmail.cli.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision behind send's progress bar; CliSendChecksTest shows it on a real pseudo-terminal. */
class StderrTerminalTest {

    @Test
    void terminalsAreTheDevicesOfTerminals() {
        assertThat(StderrTerminal.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(StderrTerminal.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(StderrTerminal.isTerminalDevice("/dev/ttyS0")).isTrue();
        assertThat(StderrTerminal.isTerminalDevice("/dev/console")).isTrue();
        assertThat(StderrTerminal.isTerminalDevice("pipe:[48213]")).isFalse();
        assertThat(StderrTerminal.isTerminalDevice("/home/me/err.txt")).isFalse();
        assertThat(StderrTerminal.isTerminalDevice("/dev/null")).isFalse();
        assertThat(StderrTerminal.isTerminalDevice("socket:[1234]")).isFalse();
    }

    @Test
    void anExplicitChoiceWinsAndADumbTerminalGetsNoBar() {
        assertThat(StderrTerminal.showProgress(null, Map.of(), () -> true)).isTrue();
        assertThat(StderrTerminal.showProgress(null, Map.of(), () -> false)).isFalse();
        assertThat(StderrTerminal.showProgress(null, Map.of("TERM", "dumb"), () -> true)).isFalse();
        assertThat(StderrTerminal.showProgress(false, Map.of(), () -> true)).isFalse();
        assertThat(StderrTerminal.showProgress(true, Map.of("TERM", "dumb"), () -> false)).isTrue();
    }
}
