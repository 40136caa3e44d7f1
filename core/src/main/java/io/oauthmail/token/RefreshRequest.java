package io.oauthmail.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.AppGrant;
import io.oauthmail.account.TokenSet;
import io.oauthmail.oauth.ClientCredentialsFlow;
import io.oauthmail.oauth.ServiceAccountFlow;
import io.oauthmail.oauth.TokenEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * One request for new tokens: a refresh-token grant, or for an app-only account (which has no refresh token)
 * its grant run again.
 */
record RefreshRequest(Account account, TokenSet current, Duration connectTimeout, Duration answerWait, Clock clock) {

    /** Sends it; {@code keep} gets a refresh's answer as received, before it is parsed (app grants do not rotate). */
    TokenSet send(BiConsumer<String, Instant> keep) {
        if (account.app().isEmpty()) {
            return new TokenEndpoint(account, clock, connectTimeout, answerWait).refresh(current, keep);
        }
        if (account.appGrant() instanceof AppGrant.ServiceAccount serviceAccount) {
            return new ServiceAccountFlow(account, serviceAccount.keyFile(), clock, answerWait).obtain();
        }
        return new ClientCredentialsFlow(account, clock, answerWait).obtain();
    }
}
