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
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.Quirk;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The provider's token endpoint for one account: exchanges authorization codes, refreshes, and sorts every
 * failure into {@link TemporaryFailure} (network, timeout, 5xx, 429, a reply that is not OAuth JSON: try
 * again later, keep the refresh token) or {@link ReauthorizationRequired} (the grant is gone: log in again).
 * The protocol itself is Nimbus OAuth SDK's.
 */
public final class TokenEndpoint {

    /** Errors after which only a new login helps (RFC 6749 5.2, OpenID Connect, Microsoft's AADSTS codes). */
    private static final String KEPT = "this is usually temporary: try again in a minute; the stored refresh token was kept";

    private static final Set<String> PERMANENT = Set.of("invalid_grant", "interaction_required", "consent_required",
            "login_required", "unauthorized_client", "invalid_client", "access_denied", "invalid_scope");

    private final Account account;
    private final Clock clock;
    private final SendOnce sender;
    private final String reauthorizationHint;

    /** With {@code timeout} both to connect and to wait for the answer. */
    public TokenEndpoint(Account account, Clock clock, Duration timeout) {
        this(account, clock, timeout, timeout);
    }

    /**
     * @param connectTimeout how long to try to connect: nothing has been sent until then, so giving up is free
     * @param answerWait     how long to wait for the answer once the request is sent: long, because an answer
     *                       given up on may carry a rotated refresh token that is then lost
     */
    public TokenEndpoint(Account account, Clock clock, Duration connectTimeout, Duration answerWait) {
        this(account, clock, new SendOnce(connectTimeout, answerWait), "run: " + account.loginCommand());
    }

    /**
     * With another hint for a lost grant: app-only flows have no login to run again (a service account's
     * delegation is fixed by an administrator, not by {@code oauthmail login}).
     */
    TokenEndpoint(Account account, Clock clock, Duration timeout, String reauthorizationHint) {
        this(account, clock, new SendOnce(timeout, timeout), reauthorizationHint);
    }

    private TokenEndpoint(Account account, Clock clock, SendOnce sender, String reauthorizationHint) {
        this.account = account;
        this.clock = clock;
        this.sender = sender;
        this.reauthorizationHint = reauthorizationHint;
    }

    /**
     * Redeems an authorization code (with its PKCE verifier inside {@code grant}). Failures are a login's
     * ({@link LoginFailures}): a refused code is exit 5, not "authorize again", and no refresh token is "kept".
     */
    TokenSet exchange(AuthorizationGrant grant, String retry) {
        TokenRequest request = tokenRequest(grant, null);
        Answer answer = LoginFailures.during(retry, () -> send(request));
        if (answer.error() != null) {
            throw LoginFailures.refused(account, "the token endpoint " + request.getEndpointURI().getHost(), answer.error(),
                    answer.status(), retry);
        }
        return answer.tokens();
    }

    /**
     * Exchanges {@code current}'s refresh token for a new access token. The scopes are sent again where the
     * provider needs them (Microsoft refuses a refresh without them: AADSTS900144); the result keeps the old
     * refresh token unless the provider rotated it.
     */
    public TokenSet refresh(TokenSet current) {
        return refresh(current, null);
    }

    /**
     * Like {@link #refresh(TokenSet)}, handing a successful answer to {@code keep} as received, before it is
     * parsed: the rotated refresh token exists nowhere else, so it is made durable first (see the stores' journal).
     */
    public TokenSet refresh(TokenSet current, BiConsumer<String, Instant> keep) {
        String refreshToken = current.refresh().orElseThrow(() -> new ReauthorizationRequired(account.name(),
                "no refresh token is stored for it", "run: " + account.loginCommand()));
        Scope scope = account.provider().has(Quirk.REFRESH_NEEDS_SCOPE)
                ? new Scope(account.scopes().toArray(String[]::new)) : null;
        TokenSet response = expect(send(tokenRequest(new RefreshTokenGrant(new RefreshToken(refreshToken)), scope), keep));
        return current.refreshedWith(response, clock.instant());
    }

    /**
     * The tokens of a refresh answer that was kept (see {@link #refresh(TokenSet, BiConsumer)}) but never saved,
     * applied to {@code current} as the refresh would have: its process died in between.
     */
    public TokenSet refreshedFromKeptAnswer(TokenSet current, String answer, Instant sentAt) {
        HTTPResponse response = new HTTPResponse(200);
        response.setHeader("Content-Type", "application/json");
        response.setBody(answer);
        TokenResponse parsed = parse("a kept answer of the token endpoint", response, OIDCTokenResponseParser::parse);
        if (!parsed.indicatesSuccess()) {
            throw temporary("a kept answer of the token endpoint holds no tokens", null);
        }
        return current.refreshedWith(tokenSet(parsed.toSuccessResponse().getTokens(), sentAt), sentAt);
    }

    /** Requests tokens with {@code grant}, authenticating as the account's client; failures classified. */
    TokenSet request(AuthorizationGrant grant, Scope scope) {
        return expect(send(tokenRequest(grant, scope)));
    }

    /** A token request from the account's client: with its secret where it has one, else as a public client. */
    TokenRequest tokenRequest(AuthorizationGrant grant, Scope scope) {
        URI endpoint = account.provider().endpoints().token();
        ClientID clientId = new ClientID(account.clientId());
        return account.secret()
                .map(secret -> new TokenRequest(endpoint, new ClientSecretPost(clientId, new Secret(secret)), grant, scope))
                .orElseGet(() -> new TokenRequest(endpoint, clientId, grant, scope));
    }

    /**
     * What the token endpoint answered in OAuth terms: tokens, or an error the caller may want to read itself
     * (the device flow keeps polling on {@code authorization_pending}). Exactly one of the two is set.
     */
    record Answer(TokenSet tokens, ErrorObject error, int status) {
    }

    /**
     * Sends {@code request}. Anything that is not an OAuth answer (no connection, timeout, 5xx, 429, a page
     * that is not OAuth JSON) is thrown here as a {@link TemporaryFailure}; OAuth errors are returned.
     */
    Answer send(TokenRequest request) {
        return send(request, null);
    }

    private Answer send(TokenRequest request, BiConsumer<String, Instant> keep) {
        String what = "the token endpoint " + request.getEndpointURI().getHost();
        AnswerParserWarmUp.run(); // before the request: nothing slow may sit between the answer and the disk
        boolean refresh = request.getAuthorizationGrant() instanceof RefreshTokenGrant;
        if (refresh) {
            StreamedPathWarmUp.run(sender);
        }
        Instant sentAt = clock.instant();
        HTTPResponse response = post(request.toHTTPRequest(), what, refresh);
        if (keep != null && response.getStatusCode() == 200 && response.getBody() != null) {
            keep.accept(response.getBody(), sentAt);
        }
        TokenResponse parsed = parse(what, response, OIDCTokenResponseParser::parse);
        if (!parsed.indicatesSuccess()) {
            return new Answer(null, ((TokenErrorResponse) parsed).getErrorObject(), response.getStatusCode());
        }
        return new Answer(tokenSet(parsed.toSuccessResponse().getTokens(), sentAt), null, response.getStatusCode());
    }

    /** The tokens of {@code answer}, or its error classified and thrown. */
    TokenSet expect(Answer answer) {
        if (answer.error() != null) {
            throw failure(answer);
        }
        return answer.tokens();
    }

    /** {@code answer}'s error as the exception to throw: re-authorization for a lost grant, else temporary. */
    RuntimeException failure(Answer answer) {
        return classify(answer.error(), answer.status());
    }

    /**
     * Asks the device authorization endpoint (RFC 8628 3.1) for a device code and a user code, with {@code extra}
     * parameters (PKCE). An OAuth error here fails the login ({@link LoginFailures}): no grant exists yet.
     */
    DeviceAuthorizationSuccessResponse authorizeDevice(URI endpoint, Scope scope, Map<String, List<String>> extra,
            String retry) {
        ClientID clientId = new ClientID(account.clientId());
        DeviceAuthorizationRequest request = account.secret()
                .map(secret -> new DeviceAuthorizationRequest(endpoint, new ClientSecretPost(clientId, new Secret(secret)),
                        scope, extra))
                .orElseGet(() -> new DeviceAuthorizationRequest(endpoint, clientId, scope, extra));
        String what = "the device authorization endpoint " + endpoint.getHost();
        HTTPResponse response = post(request.toHTTPRequest(), what, false);
        DeviceAuthorizationResponse parsed = parse(what, response, DeviceAuthorizationResponse::parse);
        if (!parsed.indicatesSuccess()) {
            throw LoginFailures.refused(account, what, parsed.toErrorResponse().getErrorObject(), response.getStatusCode(),
                    retry);
        }
        return parsed.toSuccessResponse();
    }

    /** Sends {@code http}; only an answer that may carry OAuth (not 5xx, not 429) comes back. */
    private HTTPResponse post(HTTPRequest http, String what, boolean refresh) {
        HTTPResponse response;
        try {
            response = sender.send(http, refresh);
        } catch (SendOnce.AnswerLost e) {
            if (e.requestSent()) {
                throw new TemporaryFailure("account " + account.name() + ": " + what + " took the request but its answer "
                        + "never came (" + describe(e.failure()) + ")", "try again in a minute; if the provider rotated the refresh "
                        + "token with the lost answer, the next refresh will say so", e, null, true);
            }
            throw temporary(what + " could not be reached (" + describe(e.failure()) + ")", e);
        }
        int status = response.getStatusCode();
        if (status == 429 || status >= 500) {
            Duration retryAfter = retryAfter(response);
            throw new TemporaryFailure("account " + account.name() + ": " + what + " answered HTTP " + status
                    + (retryAfter != null ? " (retry after " + retryAfter.toSeconds() + " s)" : ""),
                    KEPT, null, retryAfter);
        }
        return response;
    }

    /** One of Nimbus's response parsers. */
    private interface Parser<T> {
        T parse(HTTPResponse response) throws ParseException;
    }

    /** A reply that is not OAuth (a proxy's error page, a captive portal) is a temporary failure. */
    private <T> T parse(String what, HTTPResponse response, Parser<T> parser) {
        try {
            return parser.parse(response);
        } catch (ParseException e) {
            throw temporary(what + " answered HTTP " + response.getStatusCode()
                    + " with something that is not an OAuth response (" + contentType(response) + ")", e);
        }
    }

    private static TokenSet tokenSet(Tokens tokens, Instant sentAt) {
        AccessToken access = tokens.getAccessToken();
        Instant expiresAt = sentAt.plusSeconds(access.getLifetime() > 0 ? access.getLifetime() : 3600);
        RefreshToken refresh = tokens.getRefreshToken();
        String idToken = tokens instanceof OIDCTokens oidc && oidc.getIDTokenString() != null ? oidc.getIDTokenString() : null;
        List<String> scopes = access.getScope() == null ? List.of() : access.getScope().toStringList();
        return new TokenSet(access.getValue(), expiresAt, refresh == null ? null : refresh.getValue(),
                refresh == null ? null : sentAt, scopes, idToken, sentAt);
    }

    private RuntimeException classify(ErrorObject error, int status) {
        String code = error.getCode() == null ? "" : error.getCode().toLowerCase(Locale.ROOT);
        String description = error.getDescription() == null ? "" : ": " + error.getDescription();
        String what = "the provider answered " + (code.isEmpty() ? "HTTP " + status : code) + description;
        if (PERMANENT.contains(code) || description.contains("AADSTS700082")) {
            return new ReauthorizationRequired(account.name(), what, reauthorizationHint);
        }
        return temporary(what, null);
    }

    private TemporaryFailure temporary(String what, Throwable cause) {
        return new TemporaryFailure("account " + account.name() + ": " + what, KEPT, cause);
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
