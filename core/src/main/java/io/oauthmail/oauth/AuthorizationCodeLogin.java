package io.oauthmail.oauth;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One authorization-code login with PKCE S256 and a random {@code state}: the URL to open, and the checks
 * and code exchange once the provider's redirect comes back, however it comes back (the loopback listener,
 * or a URL the person pasted).
 */
final class AuthorizationCodeLogin {

    private final Account account;
    private final Clock clock;
    private final URI redirectUri;
    private final List<String> scopes;
    private final Map<String, String> extraParameters;
    private final String retry;
    private final State state = new State();
    private final CodeVerifier verifier = new CodeVerifier();

    AuthorizationCodeLogin(Account account, Clock clock, URI redirectUri) {
        this(account, clock, redirectUri, account.scopes(), Map.of(), account.loginCommand());
    }

    /**
     * @param scopes          the scopes to ask for (a web app forcing a refresh token may add {@code offline_access})
     * @param extraParameters more authorization request parameters ({@code prompt}, Google's {@code access_type})
     * @param retry           what the person does to try again, for the hints of failures
     */
    AuthorizationCodeLogin(Account account, Clock clock, URI redirectUri, List<String> scopes,
            Map<String, String> extraParameters, String retry) {
        this.account = account;
        this.clock = clock;
        this.redirectUri = redirectUri;
        this.scopes = List.copyOf(scopes);
        this.extraParameters = Map.copyOf(extraParameters);
        this.retry = retry;
    }

    URI authorizationUrl() {
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE,
                new ClientID(account.clientId()))
                .endpointURI(account.provider().endpoints().authorization())
                .redirectionURI(redirectUri)
                .scope(new Scope(scopes.toArray(String[]::new)))
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (account.email() != null) {
            request.customParameter("login_hint", account.email());
        }
        extraParameters.forEach(request::customParameter);
        return request.build().toURI();
    }

    URI redirectUri() {
        return redirectUri;
    }

    String state() {
        return state.getValue();
    }

    /** Whether {@code candidate} is this login's state, compared in constant time. */
    boolean stateMatches(String candidate) {
        return constantTimeEquals(state.getValue(), candidate);
    }

    /** Checks the redirect's parameters (state first), then exchanges the code. Nothing is stored here. */
    Authorization complete(Map<String, String> response) {
        if (!stateMatches(response.get("state"))) {
            throw new AuthorizationFailed("account " + account.name()
                    + ": the login redirect did not carry this login's state (a forged or stale redirect); nothing was stored",
                    "run it again: " + retry);
        }
        String error = response.get("error");
        if (error != null) {
            String description = response.get("error_description");
            throw new AuthorizationFailed("account " + account.name() + ": the provider answered " + error
                    + (description != null ? " (" + description + ")" : ""),
                    "access_denied".equals(error)
                            ? "the consent was declined; approve access next time: " + retry
                            : "run it again: " + retry);
        }
        String code = response.get("code");
        if (code == null || code.isEmpty()) {
            throw new AuthorizationFailed("account " + account.name() + ": the login redirect carried no code", null);
        }
        TokenSet tokens = new TokenEndpoint(account, clock, Duration.ofSeconds(30)).exchange(
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, verifier), retry);
        return EmailLookup.authorization(account, tokens);
    }

    /**
     * The address in an ID token received directly from the token endpoint over TLS, which OpenID Connect
     * Core (3.1.3.7) lets a client trust without checking the signature: {@code email}, else Microsoft's
     * {@code preferred_username} (the sign-in address; its ID tokens carry {@code email} only sometimes).
     */
    static String emailFrom(String idToken) {
        if (idToken == null) {
            return null;
        }
        try {
            var claims = JWTParser.parse(idToken).getJWTClaimsSet();
            for (String claim : new String[] {"email", "preferred_username", "upn"}) {
                if (claims.getClaim(claim) instanceof String s && s.contains("@")) {
                    return s;
                }
            }
            return null;
        } catch (java.text.ParseException e) {
            return null;
        }
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
