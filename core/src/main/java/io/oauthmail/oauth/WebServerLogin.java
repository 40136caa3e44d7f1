package io.oauthmail.oauth;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Quirk;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One login of a web application acting as a confidential client (RFC 6749 4.1 with PKCE S256): the redirect
 * URI is the application's own callback, the client authenticates with its secret at the token endpoint. Keeps
 * its {@code state} and code verifier in memory only; where it is kept between the two requests, and how it is
 * bound to the browser, is the caller's business (see {@code io.oauthmail.web.WebConnect}).
 *
 * <p>{@code askForRefreshToken} adds what makes the provider issue a refresh token even to a person who
 * consented before: {@code prompt=consent} everywhere, and Google's {@code access_type=offline} (which Google
 * needs for any refresh token at all, so it is always sent there) or OpenID Connect's {@code offline_access}
 * scope elsewhere (Microsoft's way; its preset asks for it already).
 */
public final class WebServerLogin {

    private final Account account;
    private final AuthorizationCodeLogin login;
    private final boolean askForRefreshToken;

    /**
     * @param redirectUri        the application's callback, exactly as registered at the provider
     * @param askForRefreshToken whether to force a consent that yields a refresh token (see the class comment)
     * @param retry              what the person does to try again, for the hints of failures (e.g. "connect the
     *                           account again at https://app.example/accounts")
     * @throws IllegalArgumentException for an account without a client secret: a web server is a confidential client
     */
    public WebServerLogin(Account account, Clock clock, URI redirectUri, boolean askForRefreshToken, String retry) {
        if (account.secret().isEmpty()) {
            throw new IllegalArgumentException("account " + account.name() + ": a web application logs in as a"
                    + " confidential client; give the account the client secret of its web client");
        }
        this.account = account;
        this.askForRefreshToken = askForRefreshToken;
        this.login = new AuthorizationCodeLogin(account, clock, redirectUri, scopes(account, askForRefreshToken),
                requestParameters(account, askForRefreshToken), retry);
    }

    private static List<String> scopes(Account account, boolean askForRefreshToken) {
        List<String> scopes = new ArrayList<>(account.scopes());
        if (askForRefreshToken && !account.provider().has(Quirk.REFRESH_TOKEN_ONLY_WITH_ACCESS_TYPE_OFFLINE)
                && !scopes.contains("offline_access")) {
            scopes.add("offline_access");
        }
        return scopes;
    }

    private static Map<String, String> requestParameters(Account account, boolean askForRefreshToken) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (account.provider().has(Quirk.REFRESH_TOKEN_ONLY_WITH_ACCESS_TYPE_OFFLINE)) {
            parameters.put("access_type", "offline");
        }
        if (askForRefreshToken) {
            parameters.put("prompt", "consent");
        }
        return parameters;
    }

    /** Where to send the browser: the provider's consent page with this login's state and PKCE challenge. */
    public URI authorizationUrl() {
        return login.authorizationUrl();
    }

    public URI redirectUri() {
        return login.redirectUri();
    }

    public Account account() {
        return account;
    }

    /** Whether this login forced the consent that yields a refresh token. */
    public boolean asksForRefreshToken() {
        return askForRefreshToken;
    }

    /** Whether the callback's {@code state} is this login's, compared in constant time. */
    public boolean stateMatches(String state) {
        return login.stateMatches(state);
    }

    /**
     * Checks the callback's parameters (state first, then {@code error=}) and redeems the code with the client
     * secret and the PKCE verifier; the address comes from the ID token, else userinfo. Nothing is stored here.
     *
     * @throws io.oauthmail.error.AuthorizationFailed for a wrong state, a refusal, a code the provider refused
     */
    public Authorization complete(Map<String, String> callbackParameters) {
        return login.complete(callbackParameters);
    }

    /** The parameters of a callback's raw query string (as {@code HttpServletRequest.getQueryString()} gives it). */
    public static Map<String, String> parameters(String rawQuery) {
        return QueryParameters.parse(rawQuery);
    }

    @Override
    public String toString() {
        return "WebServerLogin[" + account.name() + ", redirect=" + login.redirectUri() + "]";
    }
}
