package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long {@code oauthmail token ACCOUNT} takes on the launcher's curl path (no JVM: sh, curl, the control socket),
 * timed from outside by {@code farm-bench}. Not part of the suite's run (it takes a minute of both processors):
 * {@code ./mvnw -B -o -q test -pl server -am -Dtest=ControlSocketLauncherBench -Dsurefire.failIfNoSpecifiedTests=false
 * -Doauthmail.bench.control=200}; the figures land in {@code server/target/control-socket-bench.txt}.
 */
class ControlSocketLauncherBench {

    @TempDir
    Path home;

    @Test
    void theLauncherFetchesTokensFromTheControlSocket() throws Exception {
        int runs = Integer.getInteger("oauthmail.bench.control", 0);
        Assumptions.assumeTrue(runs > 0, "set -Doauthmail.bench.control=RUNS to time the launcher's curl path");
        Path launcher = Path.of("..", "oauthmail").toAbsolutePath().normalize();
        TokenSet token = new TokenSet("the-access-token", Instant.now().plusSeconds(3600), null, null, List.of(), null);
        Path socket = Daemon.socketIn(home.resolve("state"));
        try (ControlServer server = ControlServer.start(socket, new OneTokenAnswers("me@example.com", token))) {
            assertThat(run("sh", launcher.toString(), "token", "me@example.com")).isEqualTo("the-access-token\n");
            StringBuilder report = new StringBuilder();
            // farm-bench takes at most 100 runs a call: the runs are split into calls of up to 100.
            for (int left = runs; left > 0; left -= 100) {
                report.append(run("farm-bench", "-n", String.valueOf(Math.min(100, left)), "--warmup", "5", "--",
                        "sh", launcher.toString(), "token", "me@example.com"));
            }
            Files.writeString(Path.of("target", "control-socket-bench.txt"), report);
            assertThat(report).contains("wall");
        }
    }

    private String run(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OAUTHMAIL_HOME", home.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }
}
