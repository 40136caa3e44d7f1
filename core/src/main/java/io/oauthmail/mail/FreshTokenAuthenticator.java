package io.oauthmail.mail;

import io.oauthmail.account.Account;
import io.oauthmail.token.TokenManager;
import jakarta.mail.Authenticator;
import jakarta.mail.PasswordAuthentication;

/**
 * The "password" Jakarta Mail asks for at every connection that was given none: the account's access token,
 * refreshed first when it is within the refresh margin. Jakarta Mail has no token support of its own
 * (jakartaee/mail-api#585): code written for a password (Transport.send, Spring's JavaMailSender, a Store
 * kept in a pool) gets a fresh token without knowing it.
 */
final class FreshTokenAuthenticator extends Authenticator {

    private final TokenManager tokens;
    private final Account account;

    FreshTokenAuthenticator(TokenManager tokens, Account account) {
        this.tokens = tokens;
        this.account = account;
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(account.mailUser(), tokens.accessToken(account));
    }
}
