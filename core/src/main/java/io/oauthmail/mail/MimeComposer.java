package io.oauthmail.mail;

import io.oauthmail.error.OAuthMailException;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Turns an {@link Email} into a MIME message ready to send, or takes a whole message from an .eml file.
 * Everything is UTF-8: subject and display names as RFC 2047 words, file names by RFC 2231. The body is nested
 * only as deep as its parts need (see {@link MimeTree}); the Message-ID names the sender's domain; a Bcc header
 * is never written out, though Bcc recipients are among {@link MimeMessage#getAllRecipients()}.
 *
 * <p>Every problem with the input (an address, a file, a cid) is an {@link OAuthMailException} naming it.
 */
public final class MimeComposer {

    /** What SMTP leaves out of the data it sends (Jakarta Mail's SMTPTransport does the same). */
    private static final String[] NOT_SENT = {"Bcc", "Content-Length"};

    static {
        StreamProviderLookup.skipServiceScan(); // once, before the first message is built (see there)
    }

    private MimeComposer() {
    }

    /**
     * Builds {@code email} as sent by {@code account}, from its address. An account without one (its name is not
     * an address, and none was given or learned at login) is told so, with the fix, before anything is built: the
     * problem is the account's, not the message's nor the token's.
     */
    public static MimeMessage compose(Session session, io.oauthmail.account.Account account, Email email) {
        requireAddress(account);
        return compose(session, account.mailUser(), email);
    }

    /** Refuses an account without an address to send from (see {@link #compose(Session, io.oauthmail.account.Account, Email)}). */
    public static void requireAddress(io.oauthmail.account.Account account) {
        if (!account.hasAddress()) {
            throw new OAuthMailException("account " + account.name() + " has no e-mail address to send from (\""
                    + MailHeader.visible(account.mailUser()) + "\" is not one): it is learned at login, or given with --email",
                    account.addressFix());
        }
    }

    /** Builds {@code email} as sent by {@code from} (an address, with or without a display name), dated now. */
    public static MimeMessage compose(Session session, String from, Email email) {
        return compose(session, from, email, Clock.systemUTC());
    }

    /** As {@link #compose(Session, String, Email)}, with the Date header taken from {@code clock}. */
    public static MimeMessage compose(Session session, String from, Email email, Clock clock) {
        InternetAddress sender = Addresses.parse(from, "From");
        InternetAddress[] to = Addresses.parseAll(email.recipients(), "To");
        InternetAddress[] cc = Addresses.parseAll(email.ccRecipients(), "Cc");
        InternetAddress[] bcc = Addresses.parseAll(email.bccRecipients(), "Bcc");
        if (to.length + cc.length + bcc.length == 0) {
            throw new OAuthMailException("the message \"" + email.subject() + "\" has no recipients",
                    "name at least one with Email.to(...), cc(...) or bcc(...)");
        }
        MimeTree.Content body = MimeTree.of(email);
        try {
            ComposedMessage message = new ComposedMessage(session);
            message.setFrom(sender);
            message.setRecipients(Message.RecipientType.TO, to);
            message.setRecipients(Message.RecipientType.CC, cc);
            message.setRecipients(Message.RecipientType.BCC, bcc);
            if (!email.replyToAddresses().isEmpty()) {
                message.setReplyTo(Addresses.parseAll(email.replyToAddresses(), "Reply-To"));
            }
            message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
            message.setDate(clock.instant());
            for (MailHeader header : email.headers()) {
                message.addHeader(header.name(), header.encodedValue());
            }
            body.fill(message);
            message.saveChanges();
            return message;
        } catch (MessagingException e) {
            throw new OAuthMailException("cannot build the message \"" + email.subject() + "\": "
                    + MailErrors.describe(e), null, e);
        }
    }

    /**
     * Reads a whole message from an .eml file (RFC 5322, as saved by a mail client) and returns it unchanged,
     * adding only a Message-ID and a Date when it has none.
     */
    public static MimeMessage fromEml(Session session, Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return fromEml(session, in, file.toString());
        } catch (NoSuchFileException e) {
            throw new OAuthMailException("the message file does not exist: " + file.toAbsolutePath(), "check the path");
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the message file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), null, e);
        }
    }

    /** As {@link #fromEml(Session, Path)}, from a stream, which the caller closes. */
    public static MimeMessage fromEml(Session session, InputStream in) {
        return fromEml(session, in, "the message");
    }

    /**
     * The size in bytes of {@code message} as SMTP would send it (CRLF line ends, without Bcc): what a server's
     * SIZE limit (RFC 1870) is compared with, so a sender can refuse a message before connecting.
     */
    public static long encodedSize(MimeMessage message) {
        CountingStream counter = new CountingStream();
        try {
            message.writeTo(counter, NOT_SENT.clone());
        } catch (MessagingException | IOException e) {
            throw new OAuthMailException("cannot encode the message to measure it: " + MailErrors.describe(e), null, e);
        }
        return counter.count;
    }

    private static MimeMessage fromEml(Session session, InputStream in, String what) {
        try {
            ComposedMessage message = new ComposedMessage(session, in);
            Address[] from = message.getFrom();
            if (from == null || from.length == 0) {
                throw new OAuthMailException(what + " has no From header",
                        "a message needs a sender (RFC 5322 3.6): add a line such as From: you@example.com");
            }
            Address[] recipients = message.getAllRecipients();
            if (recipients == null || recipients.length == 0) {
                throw new OAuthMailException(what + " has no recipients (To, Cc or Bcc)", "add a To: line to it");
            }
            message.ensureMessageId();
            if (message.getHeader("Date") == null) {
                message.setDate(java.time.Instant.now());
            }
            return message;
        } catch (MessagingException e) {
            throw new OAuthMailException("cannot read " + what + " as a MIME message: " + MailErrors.describe(e),
                    "give a message saved as .eml (RFC 5322 headers, a blank line, the body)", e);
        }
    }

    /** Counts instead of keeping: measuring a message with large attachments should not copy it. */
    private static final class CountingStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /**
     * Writes {@code message} for a sending API (Gmail API {@code raw}, Graph MIME): with its Bcc header,
     * which both read to deliver the blind copies and then remove. Files and IMAP get {@code writeTo}, which
     * leaves Bcc out.
     */
    public static void writeForSendingApi(MimeMessage message, java.io.OutputStream out)
            throws java.io.IOException, MessagingException {
        if (message instanceof ComposedMessage composed) {
            composed.writeWithBcc(out);
        } else {
            message.writeTo(out);
        }
    }
}
