package io.oauthmail.spring;

import io.oauthmail.account.Account;
import io.oauthmail.mail.MailProtocol;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.token.TokenManager;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Spring's sender on a session from {@link MailSessions#jakartaSession}, whose every login asks the token manager
 * for the account's token. A server may refuse a token before its expiry (revoked, a policy change, a clock off):
 * then one refresh is forced and the login tried once more, as oauthmail's own senders do, never in a loop. Without
 * this, the refused token would be presented again at every send until it expired.
 */
final class FreshTokenMailSender extends JavaMailSenderImpl {

    private final TokenManager tokens;
    private final Account account;

    FreshTokenMailSender(MailSessions sessions, Account account) {
        this.tokens = sessions.tokens();
        this.account = account;
        // host, port, user and protocol all come from the session; no password is ever set
        setSession(sessions.jakartaSession(account, MailProtocol.SMTP));
    }

    @Override
    protected Transport connectTransport() throws MessagingException {
        // the token the login is about to present: the session's SASL client asks the same manager
        String token = tokens.accessToken(account);
        try {
            return super.connectTransport();
        } catch (AuthenticationFailedException refused) {
            tokens.tokenAfterRejection(account, token);
            return super.connectTransport();
        }
    }
}
