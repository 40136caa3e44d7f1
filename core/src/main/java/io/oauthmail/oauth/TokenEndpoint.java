package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import io.oauthmail.ReauthorizationRequired;
import io.oauthmail.TemporaryFailure;
import io.oauthmail.account.Account;
import io.oauthmail.provider.Quirk;
import io.oauthmail.token.TokenSet;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The provider's token endpoint for one account: exchanges authorization codes, refreshes, and sorts every
 * failure into {@link TemporaryFailure} (network, timeout, 5xx, 429, a reply that is not OAuth JSON: try
 * again later, keep the refresh token) or {@link ReauthorizationRequired} (the grant is gone: log in again).
 * The protocol itself is Nimbus OAuth SDK's.
 */
public final class TokenEndpoint {

    /** Errors after which only a new login helps (RFC 6749 5.2, OpenID Connect, Microsoft's AADSTS codes). */
    private static final Set<String> PERMANENT = Set.of("invalid_grant", "interaction_required", "consent_required",
            "login_required", "unauthorized_client", "invalid_client", "access_denied");

    private final Account account;
    private final Clock clock;
    private final Duration timeout;

    public TokenEndpoint(Account account, Clock clock, Duration timeout) {
        this.account = account;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Redeems an authorization code (with its PKCE verifier inside {@code grant}). */
    TokenSet exchange(AuthorizationGrant grant) {
        return request(grant, null);
    }

    /**
     * Exchanges {@code current}'s refresh token for a new access token. The scopes are sent again where the
     * provider needs them (Microsoft refuses a refresh without them: AADSTS900144); the result keeps the old
     * refresh token unless the provider rotated it.
     */
    public TokenSet refresh(TokenSet current) {
        String refreshToken = current.refresh().orElseThrow(() -> new ReauthorizationRequired(account.name(),
                "no refresh token is stored for it", "run: " + account.loginCommand()));
        Scope scope = account.provider().has(Quirk.REFRESH_NEEDS_SCOPE)
                ? new Scope(account.scopes().toArray(String[]::new)) : null;
        TokenSet response = request(new RefreshTokenGrant(new RefreshToken(refreshToken)), scope);
        return current.refreshedWith(response, clock.instant());
    }

    private TokenSet request(AuthorizationGrant grant, Scope scope) {
        ClientID clientId = new ClientID(account.clientId());
        TokenRequest request = account.secret()
                .map(secret -> new TokenRequest(account.provider().endpoints().token(),
                        new ClientSecretPost(clientId, new Secret(secret)), grant, scope))
                .orElseGet(() -> new TokenRequest(account.provider().endpoints().token(), clientId, grant, scope));
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        Instant sentAt = clock.instant();
        HTTPResponse response;
        try {
            response = http.send();
        } catch (IOException e) {
            throw temporary("the token endpoint " + host() + " could not be reached (" + describe(e) + ")", e);
        }
        int status = response.getStatusCode();
        if (status == 429 || status >= 500) {
            Duration retryAfter = retryAfter(response);
            throw new TemporaryFailure("account " + account.name() + ": the token endpoint " + host() + " answered HTTP "
                    + status + (retryAfter != null ? " (retry after " + retryAfter.toSeconds() + " s)" : ""),
                    "this is usually temporary: try again in a minute; the stored refresh token was kept", null, retryAfter);
        }
        TokenResponse parsed;
        try {
            parsed = OIDCTokenResponseParser.parse(response);
        } catch (ParseException e) {
            throw temporary("the token endpoint " + host() + " answered HTTP " + status
                    + " with something that is not an OAuth token response (" + contentType(response) + ")", e);
        }
        if (!parsed.indicatesSuccess()) {
            throw classify(((TokenErrorResponse) parsed).getErrorObject(), status);
        }
        Tokens tokens = parsed.toSuccessResponse().getTokens();
        AccessToken access = tokens.getAccessToken();
        Instant expiresAt = sentAt.plusSeconds(access.getLifetime() > 0 ? access.getLifetime() : 3600);
        RefreshToken refresh = tokens.getRefreshToken();
        String idToken = tokens instanceof OIDCTokens oidc && oidc.getIDTokenString() != null ? oidc.getIDTokenString() : null;
        List<String> scopes = access.getScope() == null ? List.of() : access.getScope().toStringList();
        return new TokenSet(access.getValue(), expiresAt, refresh == null ? null : refresh.getValue(),
                refresh == null ? null : sentAt, scopes, idToken);
    }

    private RuntimeException classify(ErrorObject error, int status) {
        String code = error.getCode() == null ? "" : error.getCode().toLowerCase(Locale.ROOT);
        String description = error.getDescription() == null ? "" : ": " + error.getDescription();
        String what = "the provider answered " + (code.isEmpty() ? "HTTP " + status : code) + description;
        if (PERMANENT.contains(code) || description.contains("AADSTS700082")) {
            return new ReauthorizationRequired(account.name(), what, "run: " + account.loginCommand());
        }
        return temporary(what, null);
    }

    private TemporaryFailure temporary(String what, Throwable cause) {
        return new TemporaryFailure("account " + account.name() + ": " + what,
                "this is usually temporary: try again in a minute; the stored refresh token was kept", cause);
    }

    private String host() {
        return account.provider().endpoints().token().getHost();
    }

    /** {@code Retry-After} in seconds (the HTTP-date form is rare at token endpoints and treated as absent). */
    private static Duration retryAfter(HTTPResponse response) {
        String value = response.getHeaderValue("Retry-After");
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String contentType(HTTPResponse response) {
        String type = response.getHeaderValue("Content-Type");
        return type == null ? "no content type" : type;
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
