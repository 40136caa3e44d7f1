package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's address when the user did not give one: from the ID token, else from the provider's
 * userinfo endpoint (OpenID Connect Core 5.3) with the new access token. Best effort by design: a login that
 * worked is never failed for want of an address; the caller then asks for {@code --email}. An address that is
 * learned and differs from the account's configured one fails the login (another person's tokens).
 */
final class EmailLookup {

    private static final Logger LOG = LoggerFactory.getLogger(EmailLookup.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private EmailLookup() {
    }

    static Authorization authorization(Account account, TokenSet tokens) {
        String email = AuthorizationCodeLogin.emailFrom(tokens.idToken());
        if (email == null) {
            email = account.provider().endpoints().userInfoEndpoint()
                    .flatMap(endpoint -> fromUserInfo(account, endpoint, tokens.accessToken())).orElse(null);
        }
        refuseAnotherPerson(account, email);
        return new Authorization(tokens, email);
    }

    /**
     * An account with a configured address is that person's: the mail programs log in as that address, so tokens
     * of whoever else logged in at the provider (another browser session, a shared machine) would be sent under
     * the wrong name. Compared without case, as providers spell addresses as they like. When the provider tells
     * no address at all (no ID token claim, no userinfo), the login is kept as before: nothing says it is wrong,
     * and refusing would lock out providers that never say who logged in.
     */
    private static void refuseAnotherPerson(Account account, String loggedIn) {
        String expected = account.email();
        if (expected == null || loggedIn == null || expected.equalsIgnoreCase(loggedIn)) {
            return;
        }
        throw new AuthorizationFailed("account " + account.name() + ": " + loggedIn + " logged in at the provider, but the"
                + " account is configured for " + expected + "; nothing was stored",
                "log in as " + expected + " (log out of " + loggedIn + " in the browser first, or use a private window): "
                        + account.loginCommand() + "; or, if the account is meant to be " + loggedIn + ", change its address:"
                        + " oauthmail accounts add " + account.name() + " ... --email " + loggedIn
                        + " (or email = \"" + loggedIn + "\" in its config table), then log in again");
    }

    private static Optional<String> fromUserInfo(Account account, URI endpoint, String accessToken) {
        HTTPRequest http = new UserInfoRequest(endpoint, new BearerAccessToken(accessToken)).toHTTPRequest();
        http.setConnectTimeout((int) TIMEOUT.toMillis());
        http.setReadTimeout((int) TIMEOUT.toMillis());
        try {
            UserInfoResponse response = UserInfoResponse.parse(http.send());
            if (!response.indicatesSuccess()) {
                LOG.debug("{}: userinfo answered {}", account.name(), response.toErrorResponse().getErrorObject());
                return Optional.empty();
            }
            String email = response.toSuccessResponse().getUserInfo().getEmailAddress();
            return email != null && email.contains("@") ? Optional.of(email) : Optional.empty();
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.debug("{}: userinfo could not be read: {}", account.name(), e.getMessage());
            return Optional.empty();
        }
    }
}
