package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Sends mail over the account's SMTP server with a fresh token. Many messages share one authenticated
 * connection: it is opened on the first message, and opened again when the server closed it (checked with
 * NOOP only after a pause, so a busy sender pays no extra round trip), when the token behind the login is
 * about to expire, or after a failure. A message whose sending failed is reported, never retried here: the
 * server may have taken it before the failure, and a retry could deliver it twice.
 */
public final class SmtpSender implements Sender {

    private static final Duration IDLE_CHECK = Duration.ofSeconds(30);

    private final MailSessions sessions;
    private final Clock clock;
    private Account connectedAs;
    private MailSessions.SmtpConnection connection;
    private Instant lastUse = Instant.MIN;

    public SmtpSender(MailSessions sessions) {
        this(sessions, Clock.systemUTC());
    }

    public SmtpSender(MailSessions sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Composes and sends {@code email} from {@code account}; returns the Message-ID. */
    public String send(Account account, Email email) {
        return send(account, MimeComposer.compose(sessions.session(account, MailProtocol.SMTP), account, email));
    }

    @Override
    public synchronized String send(Account account, MimeMessage message) {
        try {
            return send(account, message, message.getAllRecipients());
        } catch (MessagingException e) {
            throw new MailFailure("account " + account.name() + ": the message's recipients cannot be read: "
                    + MailErrors.describe(e), "check the To, Cc and Bcc addresses", e);
        }
    }

    /**
     * Sends {@code content} byte for byte (a relay's accepted message: CRLF line ends, not dot-stuffed) with an
     * explicit envelope: {@code MAIL FROM:<mailFrom>} ({@code <>} when empty, for a bounce) and one
     * {@code RCPT TO} per recipient, whatever the headers say. When the server refuses some recipients the others
     * still get it, and the thrown {@link MailFailure}'s cause (an Angus {@code SMTPSendFailedException}) lists
     * which were sent and each refusal with its reply code.
     */
    public synchronized void sendRaw(Account account, String mailFrom, List<String> recipients, byte[] content) {
        MimeMessage message;
        Address[] to = new Address[recipients.size()];
        try {
            message = new RawMessage(sessions.session(account, MailProtocol.SMTP), mailFrom, content);
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(recipients.get(i), false);
            }
        } catch (MessagingException e) {
            throw new MailFailure("account " + account.name() + ": the message or an envelope address cannot be read: "
                    + MailErrors.describe(e), "nothing was sent", e);
        }
        send(account, message, to);
    }

    private String send(Account account, MimeMessage message, Address[] to) {
        Transport transport;
        try {
            transport = transportFor(account);
        } catch (MailFailure e) {
            throw e.whileConnecting();
        }
        try {
            transport.sendMessage(message, to);
            lastUse = clock.instant();
            return message.getMessageID();
        } catch (MessagingException e) {
            close();
            throw new MailFailure("account " + account.name() + ": the message was not sent: " + MailErrors.describe(e)
                    + recipientsOf(to), "nothing was retried, so it was not sent twice: send it again if it matters", e);
        }
    }

    private Transport transportFor(Account account) {
        Instant now = clock.instant();
        boolean reusable = connection != null && account.equals(connectedAs) && now.isBefore(connection.tokenValidUntil())
                && (Duration.between(lastUse, now).compareTo(IDLE_CHECK) < 0 || connection.transport().isConnected());
        if (!reusable) {
            close();
            connection = sessions.smtpUntil(account);
            connectedAs = account;
        }
        return connection.transport();
    }

    private static String recipientsOf(Address[] to) {
        int count = to == null ? 0 : to.length;
        return count == 0 ? "" : " (to " + count + (count == 1 ? " recipient)" : " recipients)");
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.transport().close();
            } catch (MessagingException ignored) {
                // the connection is being dropped anyway
            }
            connection = null;
            connectedAs = null;
        }
    }
}
