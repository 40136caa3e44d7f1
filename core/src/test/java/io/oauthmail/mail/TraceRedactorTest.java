package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sasl.XOAuth2;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a person sees of a protocol trace: secrets masked by masks that tell the truth, no stack frames. */
class TraceRedactorTest {

    private static final String TOKEN = "ya29.a0AfH6SMBx-not-a-real-token-but-long-enough";

    @Test
    void anAuthArgumentThatIsAKnownSecretIsMaskedWithItsOwnLength() {
        String response = XOAuth2.base64("erin@example.test", TOKEN);
        TraceRedactor redactor = new TraceRedactor().sasl("erin@example.test", TOKEN, "127.0.0.1", 1588);
        // Issue 11, item 6: the known secret was replaced first, and the mask then measured "<redacted>" (10 chars).
        assertThat(redactor.redact("AUTH XOAUTH2 " + response))
                .isEqualTo("AUTH XOAUTH2 <redacted " + response.length() + " chars>");
        assertThat(redactor.redact(response)).isEqualTo("<redacted SASL response, " + response.length() + " chars>");
        assertThat(redactor.redact("token " + TOKEN + " seen")).isEqualTo("token <redacted> seen");
    }

    @Test
    void theStreamLeavesOutStackFramesButKeepsTheExceptionLine() {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream trace = new TraceRedactor().stream(new PrintStream(seen, true, StandardCharsets.UTF_8));
        trace.print("DEBUG SMTP: SASL support failed\r\n"
                + "java.lang.UnsupportedOperationException: no SASL client\n"
                + "\tat org.eclipse.angus.mail.smtp.SMTPTransport.sasllogin(SMTPTransport.java:1055)\n"
                + "\tat java.base/java.lang.Thread.run(Thread.java:840)\n"
                + "Caused by: java.lang.IllegalStateException: inner\n"
                + "\t... 12 more\n"
                + "250 OK\n");
        trace.flush();
        assertThat(seen.toString(StandardCharsets.UTF_8).replace("\r", "")).isEqualTo("DEBUG SMTP: SASL support failed\n"
                + "java.lang.UnsupportedOperationException: no SASL client\n"
                + "Caused by: java.lang.IllegalStateException: inner\n"
                + "250 OK\n");
    }

    @Test
    void showingSecretsMasksNothingAndStillLeavesOutStackFrames() {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        PrintStream trace = TraceRedactor.showingSecrets().stream(new PrintStream(seen, true, StandardCharsets.UTF_8));
        trace.print("AUTH XOAUTH2 " + XOAuth2.base64("erin@example.test", TOKEN) + "\n\tat a.B.c(B.java:1)\n");
        trace.flush();
        assertThat(seen.toString(StandardCharsets.UTF_8).strip()).isEqualTo("AUTH XOAUTH2 " + XOAuth2.base64("erin@example.test", TOKEN));
    }
}
