package io.oauthmail.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.mail.MessageSummary;
import io.oauthmail.sandbox.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
    void theEntryIsWhatTheCliLoadsByName() throws ReflectiveOperationException {
        // the CLI names this class in a string (it does not compile against this module): the name must hold
        assertThat(Class.forName(DemoEntry.CLASS_NAME)).isEqualTo(DemoEntry.class);
        assertThat(DemoEntry.class.getConstructor().newInstance()).isInstanceOf(java.util.function.BiConsumer.class);
    }
}
