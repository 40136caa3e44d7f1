package io.oauthmail.server.relay;

import io.oauthmail.server.relay.RelayQueue.Envelope;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounce: an RFC 3464 delivery status notification ({@code multipart/report; report-type=delivery-status})
 * with a readable explanation, a {@code message/delivery-status} part (one block per failed recipient: its
 * status, action and the server's reply) and the original message's headers ({@code text/rfc822-headers}, not
 * its content: the sender has that, and a bounce should not carry an attachment back across the provider).
 *
 * <p>It comes "as the account" ({@code Mail Delivery System <account address>}) rather than from
 * {@code MAILER-DAEMON@domain}: Gmail, the Gmail API and Graph rewrite or refuse a From the account does not own.
 */
final class Dsn {

    /** An enhanced status code (RFC 3463) inside a reply such as {@code 550 5.1.1 no such user}. */
    private static final Pattern STATUS = Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    private final Session session = Session.getInstance(new Properties());
    private final String reportingMta;

    /** @param reportingMta this host's name, for the {@code Reporting-MTA} field */
    Dsn(String reportingMta) {
        this.reportingMta = reportingMta;
    }

    /**
     * The bounce of {@code failed} recipients of a message, to its envelope sender.
     *
     * @param from     the account's address
     * @param envelope the failed message's envelope (its sender gets the bounce)
     * @param failed   the recipients and why each failed
     * @param content  the failed message, for its headers
     */
    byte[] compose(String from, Envelope envelope, List<Attempt.Refusal> failed, byte[] content, Instant now) {
        try {
            MimeMessage dsn = new MimeMessage(session);
            dsn.setFrom(new InternetAddress(from, "Mail Delivery System", "UTF-8"));
            dsn.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(envelope.mailFrom(), false));
            dsn.setSubject("Undelivered Mail Returned to Sender");
            dsn.setSentDate(Date.from(now));
            dsn.setHeader("Auto-Submitted", "auto-replied"); // RFC 3834: no auto-reply to this
            MimeMultipart report = new ReportMultipart();
            MimeBodyPart text = new MimeBodyPart();
            text.setText(explanation(failed), "UTF-8");
            report.addBodyPart(text);
            report.addBodyPart(part(status(envelope, failed, now), "message/delivery-status"));
            report.addBodyPart(part(headersOf(content), "text/rfc822-headers"));
            dsn.setContent(report);
            dsn.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            dsn.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new UncheckedIOException(new IOException("cannot compose the bounce: " + e.getMessage(), e));
        }
    }

    private static String explanation(List<Attempt.Refusal> failed) {
        StringBuilder text = new StringBuilder("Your message could not be delivered to ")
                .append(failed.size() == 1 ? "this recipient" : "these recipients").append(".\r\n\r\n");
        for (Attempt.Refusal refusal : failed) {
            text.append("<").append(refusal.recipient()).append(">: ").append(refusal.reply()).append("\r\n");
        }
        return text.append("\r\nThe headers of your message are attached.\r\n").toString();
    }

    private String status(Envelope envelope, List<Attempt.Refusal> failed, Instant now) {
        MailDateFormat dates = new MailDateFormat();
        StringBuilder fields = new StringBuilder()
                .append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n")
                .append("Arrival-Date: ").append(dates.format(Date.from(envelope.received()))).append("\r\n");
        for (Attempt.Refusal refusal : failed) {
            fields.append("\r\n")
                    .append("Final-Recipient: rfc822; ").append(refusal.recipient()).append("\r\n")
                    .append("Action: failed\r\n")
                    .append("Status: ").append(statusCode(refusal.reply())).append("\r\n")
                    .append("Diagnostic-Code: smtp; ").append(refusal.reply()).append("\r\n")
                    .append("Last-Attempt-Date: ").append(dates.format(Date.from(now))).append("\r\n");
        }
        return fields.toString();
    }

    /** The reply's enhanced code, else {@code 5.0.0} for a bare 5xx and {@code 4.4.7} (delivery time expired) otherwise. */
    static String statusCode(String reply) {
        Matcher m = STATUS.matcher(reply);
        if (m.find()) {
            return m.group(1).equals("2") ? "5.0.0" : m.group(); // a 4.x.y stays: it failed by running out of time
        }
        return reply.startsWith("5") ? "5.0.0" : "4.4.7";
    }

    private static MimeBodyPart part(String text, String type) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(text.getBytes(StandardCharsets.UTF_8), type)));
        return part;
    }

    /** The header section: up to the first empty line (all of it when there is none). */
    static String headersOf(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text : text.substring(0, end + 2);
    }

    /** {@code multipart/report} needs its {@code report-type} parameter, which MimeMultipart's constructor cannot add. */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() {
            super("report");
            contentType = contentType + "; report-type=delivery-status";
        }
    }
}
