package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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
        Transport transport;
        try {
            transport = transportFor(account);
        } catch (MailFailure e) {
            throw e.whileConnecting();
        }
        try {
            transport.sendMessage(message, message.getAllRecipients());
            lastUse = clock.instant();
            return message.getMessageID();
        } catch (MessagingException e) {
            close();
            throw new MailFailure("account " + account.name() + ": the message was not sent: " + MailErrors.describe(e)
                    + recipientsOf(message), "nothing was retried, so it was not sent twice: send it again if it matters", e);
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

    private static String recipientsOf(MimeMessage message) {
        try {
            int count = message.getAllRecipients() == null ? 0 : message.getAllRecipients().length;
            return count == 0 ? "" : " (to " + count + (count == 1 ? " recipient)" : " recipients)");
        } catch (MessagingException e) {
            return "";
        }
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
