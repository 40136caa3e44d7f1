package io.oauthmail.mail;

import io.oauthmail.OAuthMailException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/** Turns an {@link Email} into a MIME message: HTML with a plain-text alternative, UTF-8 throughout. */
public final class MimeComposer {

    private MimeComposer() {
    }

    public static MimeMessage compose(Session session, String from, Email email) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(address(from));
            for (String to : email.recipients()) {
                message.addRecipient(Message.RecipientType.TO, address(to));
            }
            message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(new Date());
            String html = email.htmlBody();
            String text = email.textBody() != null ? email.textBody() : html != null ? HtmlToText.convert(html) : "";
            if (html == null) {
                message.setText(text, StandardCharsets.UTF_8.name());
            } else {
                MimeMultipart alternative = new MimeMultipart("alternative");
                MimeBodyPart plain = new MimeBodyPart();
                plain.setText(text, StandardCharsets.UTF_8.name());
                MimeBodyPart rich = new MimeBodyPart();
                rich.setText(html, StandardCharsets.UTF_8.name(), "html");
                alternative.addBodyPart(plain); // least preferred first (RFC 2046 5.1.4)
                alternative.addBodyPart(rich);
                message.setContent(alternative);
            }
            message.saveChanges();
            return message;
        } catch (MessagingException e) {
            throw new OAuthMailException("cannot build the message: " + e.getMessage(), null, e);
        }
    }

    private static InternetAddress address(String value) {
        try {
            InternetAddress address = new InternetAddress(value, true);
            address.validate();
            return address;
        } catch (AddressException e) {
            throw new OAuthMailException("not a valid e-mail address: " + value + " (" + e.getMessage() + ")",
                    "write it as name@example.com or \"Name <name@example.com>\"");
        }
    }
}
