package io.oauthmail.mail.rest;

import io.oauthmail.account.Account;

/**
 * Where a REST sender gets its bearer token: {@code TokenManager} for the Gmail API (the account's own token),
 * {@link GraphTokens} for Microsoft Graph (a second token from the same refresh token). Both keep the same
 * contract: a token valid for a margin, and after a rejection one refresh, never a loop.
 */
interface TokenSource {

    String token(Account account);

    /** The token to retry with once after {@code rejected} was refused. */
    String afterRejection(Account account, String rejected);
}
