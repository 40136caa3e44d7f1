package io.oauthmail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.cli.OAuthMailCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command in this process, with the demo part on the test class path (its steps are tested in the demo module). */
class DemoTest {

    @Test
    void theCommandExitsZeroAndPrintsNoSecret() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(new String[] {"demo"}, new PrintWriter(out, true), new PrintWriter(err, true));
        String printed = out + "\n" + err;
        assertThat(exit).as(printed).isZero();
        List<String> steps = List.of("sandbox", "authorize", "store", "send", "read", "refresh", "wrong token");
        for (String step : steps) {
            assertThat(out.toString()).containsPattern("(?m)^  " + step + " +\\d+\\.\\d\\d s  ");
        }
        assertThat(out.toString()).contains("demo passed");
        // no JWT (access or ID token) and no refresh token value anywhere in the output
        assertThat(printed).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }
}
