package io.oauthmail.mail;

import io.oauthmail.account.Account;
import jakarta.mail.internet.MimeMessage;

/**
 * Sends composed messages for an account: over SMTP (the default), the Gmail API or Microsoft Graph. One
 * sender may keep a connection open across calls (many messages, one login); close it when done.
 */
public interface Sender extends AutoCloseable {

    /**
     * Sends {@code message} as {@code account}; returns an identifier of the sent message (the Message-ID,
     * or the provider's id). Throws {@link io.oauthmail.error.MailFailure} (rejected, failed), or the token
     * exceptions ({@link io.oauthmail.error.ReauthorizationRequired}, {@link io.oauthmail.error.TemporaryFailure}).
     */
    String send(Account account, MimeMessage message);

    @Override
    void close();
}
