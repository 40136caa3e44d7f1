package io.oauthmail.oauth;

import io.oauthmail.account.Account;
import io.oauthmail.error.AuthorizationFailed;
import java.io.IOException;
import java.net.URI;
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
        private final AuthorizationCodeLogin login;

        private Pending(CallbackListener listener) {
            this.listener = listener;
            this.login = new AuthorizationCodeLogin(account, clock, listener.redirectUri());
        }

        public URI authorizationUrl() {
            return login.authorizationUrl();
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
            return login.complete(response);
        }

        @Override
        public void close() {
            listener.close();
        }
    }
}
