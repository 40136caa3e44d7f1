package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a python3 script as a real, independent client; fails the test unless it exits 0. */
final class Python {

    private Python() {
    }

    /** The script's output (stdout and stderr), stripped. */
    static String run(String script, Object... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        for (Object argument : arguments) {
            command.add(String.valueOf(argument));
        }
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(output).isZero();
        return output.strip();
    }
}
