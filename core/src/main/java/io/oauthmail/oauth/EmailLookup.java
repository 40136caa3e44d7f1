package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import io.oauthmail.account.Account;
import io.oauthmail.token.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's address when the user did not give one: from the ID token, else from the provider's
 * userinfo endpoint (OpenID Connect Core 5.3) with the new access token. Best effort by design: a login that
 * worked is never failed for want of an address; the caller then asks for {@code --email}.
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
        return new Authorization(tokens, email);
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
