package io.oauthmail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.mail.MessageSummary;
import io.oauthmail.sandbox.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

    @TempDir
    Path home;

    @Test
    void everyStepDoesWhatItClaims() {
        StringWriter out = new StringWriter();
        DemoResult result;
        try (Sandbox sandbox = Sandbox.start()) {
            result = new Demo(new PrintWriter(out, true)).run(sandbox, home);
        }
        assertThat(result.received()).hasSize(2);
        for (MessageSummary message : result.received()) {
            assertThat(message.parts()).containsExactly("text/plain", "text/html");
            assertThat(message.from()).contains("alice@sandbox.test");
            assertThat(message.size()).isPositive();
        }
        assertThat(result.received()).extracting(MessageSummary::subject)
                .anyMatch(s -> s.endsWith("STARTTLS")).anyMatch(s -> s.endsWith("SMTPS"));
        assertThat(result.refreshesAfterExpiry()).as("refresh requests at the OAuth server").isEqualTo(1);
        assertThat(result.wrongTokenRefusal().status()).isEqualTo("401");
        assertThat(result.wrongTokenRefusal().scope()).isEqualTo(Sandbox.MAIL_SCOPE);
    }

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
