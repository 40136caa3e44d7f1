package io.oauthmail.web;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.oauth.Authorization;
import io.oauthmail.oauth.WebServerLogin;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenState;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting mail accounts from a Java web application (a servlet, Spring MVC, Javalin...) acting as a
 * confidential OAuth client; no web framework is needed. Three calls:
 *
 * <ol>
 * <li>{@link #connect}: the URL to redirect the browser to. The login (its {@code state}, PKCE verifier, and the
 * account) is kept here under the browser's session ID, which the application passes in (e.g.
 * {@code request.getSession().getId()}).</li>
 * <li>{@link #callback}: on the application's callback URL, with the same session ID and the query string.
 * The state must be one this session started (compared in constant time) and is then spent, so a replayed or
 * forged callback, or one opened in another browser, stores nothing. {@code error=access_denied} is a clear
 * {@link AuthorizationFailed}. The tokens are stored under the account, ready for {@link TokenManager}, the CLI
 * and the daemon (same store).</li>
 * <li>{@link #check}: whether an account still works, and if only its person can help (the grant was revoked or
 * expired), the URL to send them to.</li>
 * </ol>
 *
 * <p>A refresh token is asked for with {@code prompt=consent} (and Google's {@code access_type=offline}) whenever
 * none usable is stored; when a refresh token is stored, the consent screen is skipped where the provider allows,
 * and a code exchange that then brings no refresh token keeps the stored one ({@link Connected.RefreshToken}).
 *
 * <p>Failures are {@link io.oauthmail.error.OAuthMailException}s whose messages carry no secret; nothing is stored
 * after a failure.
 */
public final class WebConnect {

    private static final Logger LOG = LoggerFactory.getLogger(WebConnect.class);

    private final TokenStore store;
    private final LostGrants lostGrants;
    private final TokenManager tokens;
    private final Clock clock;
    private final String retry;
    private final PendingLogins pending;

    /**
     * @param retry what the person does to try again, for the hints of failures (e.g. "connect the account
     *              again at https://app.example/accounts")
     */
    public WebConnect(TokenStore store, LostGrants lostGrants, TokenManager tokens, Clock clock, String retry) {
        this.store = store;
        this.lostGrants = lostGrants;
        this.tokens = tokens;
        this.clock = clock;
        this.retry = retry;
        this.pending = new PendingLogins(clock);
    }

    /**
     * Begins connecting (or re-authorizing) {@code account} in the browser of {@code session}: the provider's URL
     * to redirect to. A refresh token is asked for unless a usable one is stored already.
     *
     * @param callback the application's redirect URI, as registered for its client at the provider
     */
    public URI connect(Account account, URI callback, String session) {
        return connect(account, callback, session, !hasUsableRefreshToken(account));
    }

    /** Like {@link #connect(Account, URI, String)}, forcing (or not) the consent that yields a refresh token. */
    public URI connect(Account account, URI callback, String session, boolean askForRefreshToken) {
        requireSession(session);
        WebServerLogin login = new WebServerLogin(account, clock, callback, askForRefreshToken, retry);
        pending.add(session, login);
        return login.authorizationUrl();
    }

    /**
     * Completes the login the provider redirected back: {@code rawQuery} is the callback's query string as received.
     *
     * @throws AuthorizationFailed for a callback this session did not start (forged, replayed, another browser's,
     *                             older than 15 minutes), a refused consent, or a code the provider refused
     */
    public Connected callback(String session, String rawQuery) {
        return callback(session, WebServerLogin.parameters(rawQuery));
    }

    /** Like {@link #callback(String, String)}, with the callback's parameters already decoded. */
    public Connected callback(String session, Map<String, String> parameters) {
        requireSession(session);
        WebServerLogin login = pending.take(session, parameters.get("state")).orElseThrow(() -> new AuthorizationFailed(
                "the callback's state is not that of a login begun in this browser session (a forged or replayed"
                        + " callback, one opened in another browser, or a login older than "
                        + PendingLogins.LIFETIME.toMinutes() + " minutes); nothing was stored", retry));
        Authorization authorization = login.complete(parameters);
        Account account = login.account();
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            return store(account, authorization, login, session);
        }
    }

    private Connected store(Account account, Authorization authorization, WebServerLogin login, String session) {
        TokenSet received = authorization.tokens();
        String email = authorization.email();
        if (received.refreshToken() != null) {
            save(account, received);
            return new Connected(account.name(), email, Connected.RefreshToken.RECEIVED, null);
        }
        Optional<TokenSet> stored = loadQuietly(account);
        if (stored.isPresent() && usable(account, stored.get())) {
            save(account, stored.get().refreshedWith(received, clock.instant()));
            return new Connected(account.name(), email, Connected.RefreshToken.KEPT_STORED, null);
        }
        // Seed 003's case: keep what works now (the access token), and send the person back for the consent
        // that yields a refresh token; a stored refresh token known to be dead is not worth keeping. If this login
        // forced that consent already, asking again would only go round in circles: the provider gives this
        // client no refresh token, and only its settings can change that (askAgain stays null).
        save(account, received);
        URI again = login.asksForRefreshToken() ? null : connect(account, login.redirectUri(), session, true);
        return new Connected(account.name(), email, Connected.RefreshToken.MISSING, again);
    }

    private void save(Account account, TokenSet tokens) {
        store.save(account.name(), tokens);
        try {
            lostGrants.clear(account.name()); // stale anyway once the refresh token changed; gone at once
        } catch (IOException e) {
            LOG.warn("{}: the note of its lost grant could not be removed: {}", account.name(), e.getMessage());
        }
    }

    /**
     * Whether {@code account} can be used without its person. Refreshes first if its access token is due (so a
     * revoked grant shows here, and is noted for {@code oauthmail accounts}); otherwise no request is made.
     *
     * @param callback and {@code session}: for the re-authorization URL, as in {@link #connect}
     */
    public AccountCheck check(Account account, URI callback, String session) {
        Optional<TokenSet> stored;
        try {
            stored = store.load(account.name());
        } catch (OAuthMailException e) {
            return reauthorize(account, TokenState.UNREADABLE, e.getMessage(), callback, session);
        }
        if (stored.isEmpty()) {
            return reauthorize(account, TokenState.NOT_LOGGED_IN, "no tokens are stored for it", callback, session);
        }
        Optional<LostGrants.LostGrant> lost = lostGrants.find(account.name(), stored.get());
        if (lost.isPresent()) {
            return reauthorize(account, TokenState.NEEDS_LOGIN, "the provider refused its refresh token ("
                    + lost.get().reason() + ")", callback, session);
        }
        try {
            tokens.validTokens(account);
            return new AccountCheck(account.name(), TokenState.OK, null, null);
        } catch (ReauthorizationRequired e) {
            note(account, e);
            return reauthorize(account, TokenState.NEEDS_LOGIN, e.reason(), callback, session);
        } catch (TemporaryFailure e) {
            return new AccountCheck(account.name(), TokenState.RETRYING, e.getMessage(), null);
        }
    }

    private AccountCheck reauthorize(Account account, TokenState state, String reason, URI callback, String session) {
        return new AccountCheck(account.name(), state, reason, connect(account, callback, session, true));
    }

    private void note(Account account, ReauthorizationRequired e) {
        try {
            lostGrants.record(account.name(), loadQuietly(account).orElse(null), e.reason(), clock.instant());
        } catch (IOException failure) {
            LOG.warn("{}: its lost grant could not be noted: {}", account.name(), failure.getMessage());
        }
    }

    private boolean hasUsableRefreshToken(Account account) {
        return loadQuietly(account).map(stored -> usable(account, stored)).orElse(false);
    }

    private boolean usable(Account account, TokenSet stored) {
        return stored.refreshToken() != null && lostGrants.find(account.name(), stored).isEmpty();
    }

    private Optional<TokenSet> loadQuietly(Account account) {
        try {
            return store.load(account.name());
        } catch (OAuthMailException e) {
            return Optional.empty(); // unreadable: as good as nothing stored, and the next save replaces it
        }
    }

    private static void requireSession(String session) {
        if (session == null || session.isBlank()) {
            throw new IllegalArgumentException("a browser session ID is needed: it binds the login to the browser");
        }
    }
}
