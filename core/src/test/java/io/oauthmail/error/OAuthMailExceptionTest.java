package io.oauthmail.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A program that only logs what it caught still shows the fix (issue 11, item 9). */
class OAuthMailExceptionTest {

    @Test
    void stackTracesAndLogsShowTheHint() {
        ReauthorizationRequired lost = new ReauthorizationRequired("work", "the provider answered invalid_grant",
                "run: oauthmail login work");
        assertThat(lost.getMessage()).isEqualTo("account work needs to be authorized again: the provider answered invalid_grant");
        assertThat(lost.messageWithHint()).isEqualTo(lost.getMessage() + " (run: oauthmail login work)");
        assertThat(lost).hasToString("io.oauthmail.error.ReauthorizationRequired: " + lost.messageWithHint());
        StringWriter trace = new StringWriter();
        new IllegalStateException("send failed", lost).printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).contains("Caused by: io.oauthmail.error.ReauthorizationRequired: account work needs to be "
                + "authorized again: the provider answered invalid_grant (run: oauthmail login work)");
    }

    @Test
    void withoutAHintItIsTheMessage() {
        OAuthMailException plain = new OAuthMailException("something failed", null);
        assertThat(plain.messageWithHint()).isEqualTo("something failed");
        assertThat(plain).hasToString("io.oauthmail.error.OAuthMailException: something failed");
    }
}
