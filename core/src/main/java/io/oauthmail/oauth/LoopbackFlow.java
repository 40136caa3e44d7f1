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
import io.oauthmail.AuthorizationFailed;
import io.oauthmail.account.Account;
import io.oauthmail.token.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The browser login of an installed application (RFC 8252): a listener on 127.0.0.1, an authorization URL
 * with PKCE S256 and a random {@code state}, and the code exchanged once the browser comes back. What opens
 * the URL is the caller's business: the system browser, a printed line, or the sandbox's browser.
 *
 * <pre>{@code
 * try (LoopbackFlow.Pending login = new LoopbackFlow(account, clock, Duration.ofMinutes(5)).begin(0)) {
 *     browser.open(login.authorizationUrl());
 *     Authorization result = login.await();
 * }
 * }</pre>
 */
public final class LoopbackFlow {

    private final Account account;
    private final Clock clock;
    private final Duration timeout;

    public LoopbackFlow(Account account, Clock clock, Duration timeout) {
        this.account = account;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Starts the listener ({@code port} 0 picks a free one) and prepares the authorization URL. */
    public Pending begin(int port) {
        try {
            return new Pending(CallbackListener.start(port));
        } catch (IOException e) {
            throw new AuthorizationFailed("cannot listen on 127.0.0.1:" + port + " for the login redirect: "
                    + e.getMessage(), port == 0 ? null : "choose another port, or 0 for any free one", e);
        }
    }

    /** A login in progress: open {@link #authorizationUrl()}, then {@link #await()} the result. */
    public final class Pending implements AutoCloseable {
        private final CallbackListener listener;
        private final State state = new State();
        private final CodeVerifier verifier = new CodeVerifier();
        private final URI authorizationUrl;

        private Pending(CallbackListener listener) {
            this.listener = listener;
            AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(ResponseType.CODE,
                    new ClientID(account.clientId()))
                    .endpointURI(account.provider().endpoints().authorization())
                    .redirectionURI(listener.redirectUri())
                    .scope(new Scope(account.scopes().toArray(String[]::new)))
                    .state(state)
                    .codeChallenge(verifier, CodeChallengeMethod.S256);
            if (account.email() != null) {
                request.customParameter("login_hint", account.email());
            }
            this.authorizationUrl = request.build().toURI();
        }

        public URI authorizationUrl() {
            return authorizationUrl;
        }

        public URI redirectUri() {
            return listener.redirectUri();
        }

        /** Waits for the browser's redirect, checks it, and exchanges the code for tokens. */
        public Authorization await() {
            Map<String, String> response;
            try {
                response = listener.response().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AuthorizationFailed("account " + account.name() + ": no login came back from the browser within "
                        + timeout.toSeconds() + " s", "run it again: " + account.loginCommand()
                        + " (on a machine without a browser, add --flow paste)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuthorizationFailed("account " + account.name() + ": login interrupted", null);
            } catch (ExecutionException e) {
                throw new AuthorizationFailed("account " + account.name() + ": login failed", null, e.getCause());
            }
            return complete(response);
        }

        private Authorization complete(Map<String, String> response) {
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
                    new AuthorizationCodeGrant(new AuthorizationCode(code), listener.redirectUri(), verifier));
            return new Authorization(tokens, emailFrom(tokens.idToken()));
        }

        @Override
        public void close() {
            listener.close();
        }
    }

    /**
     * The {@code email} claim of an ID token received directly from the token endpoint over TLS, which
     * OpenID Connect Core (3.1.3.7) lets a client trust without checking the signature.
     */
    static String emailFrom(String idToken) {
        if (idToken == null) {
            return null;
        }
        try {
            Object email = JWTParser.parse(idToken).getJWTClaimsSet().getClaim("email");
            return email instanceof String s && s.contains("@") ? s : null;
        } catch (java.text.ParseException e) {
            return null;
        }
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                actual.getBytes(StandardCharsets.UTF_8));
    }
}
