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
    private final State state = new State();
    private final CodeVerifier verifier = new CodeVerifier();

    AuthorizationCodeLogin(Account account, Clock clock, URI redirectUri) {
        this.account = account;
        this.clock = clock;
        this.redirectUri = redirectUri;
    }

    URI authorizationUrl() {
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE,
                new ClientID(account.clientId()))
                .endpointURI(account.provider().endpoints().authorization())
                .redirectionURI(redirectUri)
                .scope(new Scope(account.scopes().toArray(String[]::new)))
                .state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (account.email() != null) {
            request.customParameter("login_hint", account.email());
        }
        return request.build().toURI();
    }

    URI redirectUri() {
        return redirectUri;
    }

    String state() {
        return state.getValue();
    }

    /** Checks the redirect's parameters (state first), then exchanges the code. Nothing is stored here. */
    Authorization complete(Map<String, String> response) {
        if (!constantTimeEquals(state.getValue(), response.get("state"))) {
            throw new AuthorizationFailed("account " + account.name()
                    + ": the login redirect did not carry this login's state (a forged or stale redirect); nothing was stored",
                    "run it again: " + account.loginCommand());
        }
        String error = response.get("error");
        if (error != null) {
            String description = response.get("error_description");
            throw new AuthorizationFailed("account " + account.name() + ": the provider answered " + error
                    + (description != null ? " (" + description + ")" : ""),
                    "access_denied".equals(error)
                            ? "the consent was declined; run " + account.loginCommand() + " and approve access"
                            : "run it again: " + account.loginCommand());
        }
        String code = response.get("code");
        if (code == null || code.isEmpty()) {
            throw new AuthorizationFailed("account " + account.name() + ": the login redirect carried no code", null);
        }
        TokenSet tokens = new TokenEndpoint(account, clock, Duration.ofSeconds(30)).exchange(
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, verifier), account.loginCommand());
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
