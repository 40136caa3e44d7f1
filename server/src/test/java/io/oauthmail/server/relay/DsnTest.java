package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.server.relay.RelayQueue.Envelope;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DsnTest {

    @Test
    void aBounceIsAMultipartReportWithOneStatusBlockPerFailedRecipientAndTheOriginalHeaders() throws Exception {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        Envelope envelope = new Envelope("printer", "scanner@office.example", List.of("a@x.example", "b@x.example"),
                "192.0.2.7", now.minusSeconds(90));
        byte[] original = "Subject: scan 42\r\nFrom: scanner@office.example\r\n\r\nsecret body text\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] bounce = new Dsn("relay.example").compose("printer@office.example", envelope,
                List.of(new Attempt.Refusal("b@x.example", "550 5.1.1 <b@x.example>: no such user")), original, now);

        MimeMessage dsn = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bounce));
        assertThat(dsn.getContentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(dsn.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(dsn.getRecipients(MimeMessage.RecipientType.TO)[0].toString()).isEqualTo("scanner@office.example");
        MimeMultipart parts = (MimeMultipart) dsn.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(0).getContent().toString()).contains("<b@x.example>: 550 5.1.1");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        String status = text(parts.getBodyPart(1));
        assertThat(status).contains("Reporting-MTA: dns; relay.example", "Final-Recipient: rfc822; b@x.example",
                "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 <b@x.example>: no such user")
                .doesNotContain("a@x.example");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        assertThat(text(parts.getBodyPart(2))).contains("Subject: scan 42").doesNotContain("secret body text");
    }

    @Test
    void statusCodesComeFromTheReplyOrItsClass() {
        assertThat(Dsn.statusCode("554 5.7.1 Recipient address rejected")).isEqualTo("5.7.1");
        assertThat(Dsn.statusCode("550 no such user")).isEqualTo("5.0.0");
        assertThat(Dsn.statusCode("gave up after 120 hours in the queue: 421 4.7.0 Try again later")).isEqualTo("4.7.0");
        assertThat(Dsn.statusCode("gave up after 120 hours in the queue: connection refused")).isEqualTo("4.4.7");
    }

    private static String text(jakarta.mail.BodyPart part) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        part.getDataHandler().writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
