package io.oauthmail.mail.rest;

import io.oauthmail.mail.Email;
import io.oauthmail.mail.MimeComposer;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Properties;
import java.util.Random;

/** Messages for the REST sender tests, and the exact bytes a sender must put on the wire for them. */
final class TestMessages {

    private TestMessages() {
    }

    /** HTML with a text alternative and a non-ASCII subject, as the composer makes it. */
    static MimeMessage small(String from) {
        return MimeComposer.compose(Session.getInstance(new Properties()), from, Email.to("you@example.com").subject("Grüße").html("<b>Hello</b>"));
    }

    /** A message with a random attachment of {@code size} bytes (base64 in the MIME makes it a third larger). */
    static MimeMessage withAttachment(String from, int size) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(from));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("you@example.com"));
        message.setSubject("Large");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("see the attachment", "UTF-8");
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        MimeBodyPart file = new MimeBodyPart();
        file.setDataHandler(new DataHandler(new ByteArrayDataSource(data, "application/octet-stream")));
        file.setFileName("data.bin");
        MimeMultipart mixed = new MimeMultipart();
        mixed.addBodyPart(text);
        mixed.addBodyPart(file);
        message.setContent(mixed);
        message.saveChanges();
        return message;
    }

    static byte[] bytes(MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
