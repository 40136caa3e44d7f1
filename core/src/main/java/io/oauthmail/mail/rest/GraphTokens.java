package io.oauthmail.mail.rest;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.oauth.TokenEndpoint;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.Quirk;
import io.oauthmail.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Microsoft Graph access tokens for accounts whose own token is for Outlook's IMAP, POP and SMTP. One token
 * serves one resource (audience), so Graph needs a second access token; Microsoft's refresh tokens are not
 * bound to a resource, so it comes from the account's same refresh token, refreshed with the Graph scope.
 *
 * <p>How it is kept, and why:
 * <ul>
 * <li>The Graph access token is cached under its own store key, {@code ACCOUNT#graph}, so it never replaces the
 *     IMAP/SMTP token in the account's record (each would otherwise push the other out on every switch, and the
 *     mail token is the one other processes read). That record holds no refresh token.
 * <li>The refresh token has one home: the account's own record. Microsoft returns a new refresh token on every
 *     refresh, Graph's included. If the rotated one stayed with the Graph token, two chains would grow from one
 *     login: the account's copy would stop being renewed and, unused by a Graph-only user, die after 90 days
 *     (AADSTS700082) although the grant is alive; its issue time, which the re-authorization hints read, would lie;
 *     and a provider that retires a refresh token once it has been used would break one chain at random. So the
 *     rotated refresh token is saved into the account's record, next to its unchanged mail access token, before
 *     the Graph token is saved or used: the same crash-safety order as {@code TokenManager}'s.
 * <li>Every use of that refresh token holds the account's own store lock, the one {@code TokenManager} takes, so
 *     a Graph refresh and a mail refresh never overlap across threads or processes, and the Graph token is
 *     re-read under it so that waiting callers take the refreshed token instead of refreshing again.
 * </ul>
 */
final class GraphTokens implements TokenSource {

    static final String MAIL_SEND = "https://graph.microsoft.com/Mail.Send";
    /** The scope decides the audience of the token: Graph's. {@code offline_access} keeps refresh tokens coming. */
    static final List<String> SCOPES = List.of(MAIL_SEND, "offline_access");

    private final TokenStore store;
    private final Clock clock;
    private final Duration margin;
    private final Duration timeout;
    private final Retrying retrying;

    GraphTokens(TokenStore store, Clock clock, Duration margin, Duration timeout, Retrying retrying) {
        this.store = store;
        this.clock = clock;
        this.margin = margin;
        this.timeout = timeout;
        this.retrying = retrying;
    }

    /** Where the Graph token of {@code account} is kept. */
    static String key(Account account) {
        return io.oauthmail.store.AccountKeys.graph(account.name());
    }

    @Override
    public String token(Account account) {
        // A logged-out account sends nothing, even while its cached Graph token would still be valid.
        requireLoggedIn(account);
        TokenSet graph = store.load(key(account)).orElse(null);
        if (valid(graph)) {
            return graph.accessToken();
        }
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            graph = store.load(key(account)).orElse(null);
            return valid(graph) ? graph.accessToken() : refreshLocked(account).accessToken();
        }
    }

    @Override
    public String afterRejection(Account account, String rejected) {
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            TokenSet graph = store.load(key(account)).orElse(null);
            if (graph != null && !graph.accessToken().equals(rejected) && valid(graph)) {
                return graph.accessToken(); // another caller refreshed while we waited
            }
            return refreshLocked(account).accessToken();
        }
    }

    private boolean valid(TokenSet tokens) {
        return tokens != null && !tokens.needsRefresh(margin, clock.instant());
    }

    /** With the account's lock held: one refresh for Graph; the rotated refresh token saved first, then the Graph token. */
    private TokenSet refreshLocked(Account account) {
        TokenSet main = requireLoggedIn(account);
        Account forGraph = forGraph(account);
        TokenSet refreshed;
        try {
            refreshed = retrying.run(() -> new TokenEndpoint(forGraph, clock, timeout).refresh(main));
        } catch (ReauthorizationRequired e) {
            throw withoutGraphConsent(account, e);
        }
        if (!Objects.equals(refreshed.refreshToken(), main.refreshToken())) {
            store.save(account.name(), new TokenSet(main.accessToken(), main.expiresAt(), refreshed.refreshToken(),
                    refreshed.refreshTokenIssuedAt(), main.scopes(), main.idToken(), main.obtainedAt()));
        }
        TokenSet graph = new TokenSet(refreshed.accessToken(), refreshed.expiresAt(), null, null, SCOPES, null,
                refreshed.obtainedAt());
        store.save(key(account), graph);
        return graph;
    }

    private TokenSet requireLoggedIn(Account account) {
        return store.load(account.name()).orElseThrow(() -> new ReauthorizationRequired(account.name(),
                "it has no stored tokens (never logged in, or logged out)", "run: " + account.loginCommand()));
    }

    /**
     * The account asking for the Graph scope on refresh. The scope is always sent, whatever the provider's
     * quirks say: without it Microsoft would answer with another token for the login's own resource.
     */
    private static Account forGraph(Account account) {
        Provider p = account.provider();
        Set<Quirk> quirks = EnumSet.of(Quirk.REFRESH_NEEDS_SCOPE);
        quirks.addAll(p.quirks());
        Provider withScope = new Provider(p.name(), p.endpoints(), p.scopes(), p.imap(), p.pop3(), p.smtp(), quirks);
        return new Account(account.name(), account.email(), withScope, account.clientId(), account.clientSecret(), SCOPES,
                account.caFile(), account.appGrant());
    }

    /** A refusal for lack of consent to Mail.Send (AADSTS65001) says what to grant; a dead grant stays as it is. */
    private static ReauthorizationRequired withoutGraphConsent(Account account, ReauthorizationRequired e) {
        if (!e.reason().contains("AADSTS65001") && !e.reason().contains("consent")) {
            return e;
        }
        return new ReauthorizationRequired(account.name(), e.reason() + " (asking for a Microsoft Graph token with Mail.Send)",
                GraphSender.API.permissionHint(account));
    }
}
