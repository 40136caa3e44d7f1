package io.oauthmail.mail;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A message as oauthmail writes it. Two differences from {@link MimeMessage}: the Message-ID names the sender's
 * domain (Jakarta Mail would use the local host name, often "localhost", which spam filters hold against it)
 * and is kept once set; and the Bcc header is never written out. Jakarta Mail's SMTP transport already leaves
 * Bcc out, but {@code writeTo} to a file, an HTTP API or an IMAP APPEND would not; the Bcc recipients stay in
 * {@link #getAllRecipients()}, which senders use for the envelope.
 */
final class ComposedMessage extends MimeMessage {

    ComposedMessage(Session session) {
        super(session);
    }

    /** A parsed message (it counts as saved: writing it out reproduces its bytes). */
    ComposedMessage(Session session, InputStream in) throws MessagingException {
        super(session, in);
    }

    /** Sets a Message-ID at the domain of the From address unless there is one. */
    void ensureMessageId() throws MessagingException {
        if (getHeader("Message-ID") != null) {
            return;
        }
        Address[] from = getFrom();
        if (from != null && from.length > 0 && from[0] instanceof InternetAddress sender
                && sender.getAddress() != null && sender.getAddress().indexOf('@') > 0) {
            setHeader("Message-ID", "<" + uniqueId() + "@" + Addresses.domain(sender) + ">");
        } else {
            super.updateMessageID();
        }
    }

    /**
     * A random version-4 UUID from the thread's own generator. UUID.randomUUID() draws from one SecureRandom that
     * every thread shares under a lock (JFR showed eight composing threads queued on it); a Message-ID needs to
     * be unique, not secret, and 122 random bits with the sender's domain are.
     */
    private static UUID uniqueId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low);
    }

    /**
     * The Date header, formatted as RFC 5322 says ({@code Thu, 26 Nov 2026 09:56:33 +0100}). Jakarta Mail's
     * setSentDate formats with one SimpleDateFormat that every message in the JVM shares under a lock.
     */
    void setDate(java.time.Instant when) throws MessagingException {
        setHeader("Date", DATE.format(when.atZone(java.time.ZoneId.systemDefault())));
    }

    private static final java.time.format.DateTimeFormatter DATE =
            java.time.format.DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", java.util.Locale.US);

    @Override
    protected void updateMessageID() throws MessagingException {
        ensureMessageId();
    }

    /** Writes the message with its Bcc header: for APIs that read it to deliver the blind copies. */
    void writeWithBcc(OutputStream os) throws IOException, MessagingException {
        super.writeTo(os, null);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException, MessagingException {
        String[] ignored = ignoreList == null ? new String[0] : ignoreList;
        super.writeTo(os, Stream.concat(Arrays.stream(ignored), Stream.of("Bcc")).toArray(String[]::new));
    }
}
