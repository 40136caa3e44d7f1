package io.oauthmail.mail;

import io.oauthmail.MailFailure;
import io.oauthmail.account.Account;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

/** Sends mail over the account's SMTP server with a fresh token ({@link MailSessions}). */
public final class SmtpSender {

    private final MailSessions sessions;

    public SmtpSender(MailSessions sessions) {
        this.sessions = sessions;
    }

    /** Composes and sends {@code email} from {@code account}; returns the Message-ID. */
    public String send(Account account, Email email) {
        MimeMessage message = MimeComposer.compose(sessions.session(account, MailProtocol.SMTP), account.mailUser(), email);
        try (Transport transport = sessions.smtp(account)) {
            transport.sendMessage(message, message.getAllRecipients());
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new MailFailure("account " + account.name() + ": the SMTP server did not accept the message: "
                    + MailErrors.describe(e), null, e);
        }
    }
}
