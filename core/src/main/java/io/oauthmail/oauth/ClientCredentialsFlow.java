package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * App-only access with the client credentials grant (RFC 6749 4.4), as Microsoft offers it for IMAP, POP and
 * SMTP: the application authenticates with its client secret and asks for a {@code /.default} scope such as
 * {@code https://outlook.office365.com/.default}; an administrator has granted the permissions beforehand.
 * No person logs in, and there is no refresh token: when the access token expires, obtain a new one.
 *
 * <pre>{@code
 * TokenSet tokens = new ClientCredentialsFlow(account, Clock.systemUTC(), Duration.ofSeconds(30)).obtain();
 * }</pre>
 */
public final class ClientCredentialsFlow {

    private final Account account;
    private final Clock clock;
    private final Duration timeout;

    /** @param account the application: its client ID and secret, the token endpoint, and the scopes to ask for */
    public ClientCredentialsFlow(Account account, Clock clock, Duration timeout) {
        this.account = Objects.requireNonNull(account, "account");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Obtains a new access token for the account's scopes. */
    public TokenSet obtain() {
        if (account.secret().isEmpty()) {
            throw new AuthorizationFailed("account " + account.name()
                    + ": the client credentials grant needs the application's client secret, and none is configured",
                    "add the client secret of app " + account.clientId() + " to the account's configuration");
        }
        TokenEndpoint endpoint = new TokenEndpoint(account, clock, timeout,
                "check the client ID and secret of app " + account.clientId()
                        + " and that an administrator granted it the mail permissions");
        TokenSet tokens = endpoint.request(new ClientCredentialsGrant(), new Scope(account.scopes().toArray(String[]::new)));
        // RFC 6749 4.4.3: no refresh token here. Drop one a server sends anyway, so whoever stores the result
        // runs this grant again instead of trying a refresh the server never promised to honour.
        return new TokenSet(tokens.accessToken(), tokens.expiresAt(), null, null, tokens.scopes(), tokens.idToken(),
                tokens.obtainedAt());
    }
}
