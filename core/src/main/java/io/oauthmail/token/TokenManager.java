package io.oauthmail.token;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.oauth.TokenEndpoint;
import io.oauthmail.store.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Hands out access tokens, refreshing them when they are due: a quarter of their lifetime before expiry, at
 * most the configured margin (see {@link TokenSet#refreshMargin}). A token that is not due is never refreshed
 * unless a server refused it or a refresh is asked for.
 *
 * <p><b>One refresh at a time per account.</b> However many threads ask, one refresh runs (on its own thread)
 * and the others wait for its result; other processes sharing the store wait on its lock and then read the
 * refreshed tokens.
 *
 * <p><b>Bounded waits, unabandoned refreshes.</b> A caller waits at most the timeout (15 s by default: a mail
 * client's password command must not hang a minute). The refresh itself goes on after a caller gave up while
 * its request is out: once a provider has the request it may rotate the refresh token, and an answer given up on
 * would take the only copy of its successor with it. (A process that exits, such as the CLI, does end it: then
 * the next refresh names that cause if the provider refuses.)
 *
 * <p><b>Nothing slow between answer and disk.</b> Before the refresh token is spent, the store prepares the save
 * (room on disk, key, cipher); the answer is saved before anything else is done with it, and before it is handed
 * out. If the save cannot be prepared (a full disk), the refresh token is not spent.
 *
 * <p><b>Failures.</b> A temporary one (network, 5xx, 429) is retried with capped backoff within the timeout,
 * keeping the refresh token; while the current access token has not expired, the caller gets it and a warning
 * instead of an error. A request whose answer was lost is sent again once, deliberately and with a warning:
 * if the provider did act on it, the refresh token is spent either way, and the refusal is then explained. A lost
 * grant becomes {@link ReauthorizationRequired} with the likely cause and the command that fixes it.
 */
public final class TokenManager {

    /** The largest refresh margin, the one hour-long tokens get: see {@link TokenSet#refreshMargin}. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(5);
    /** How long a caller waits for a token in all, retries included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** How long a refresh whose request is out waits for its answer, callers or not. */
    public static final Duration DEFAULT_ANSWER_WAIT = Duration.ofMinutes(2);
    /** A token that has at least this left is still handed out when its refresh fails for a temporary reason. */
    static final Duration STILL_USABLE = Duration.ofSeconds(5);
    private static final Duration MAX_CONNECT = Duration.ofSeconds(10);

    private final TokenStore store;
    private final Clock clock;
    private final Duration margin;
    private final Duration timeout;
    private final Duration answerWait;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final RefreshEvents events;
    private final Map<String, CompletableFuture<TokenSet>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param margin  the largest refresh margin ({@code [tokens] refresh_margin})
     * @param timeout how long a caller waits in all ({@code [tokens] timeout})
     */
    public TokenManager(TokenStore store, Clock clock, Duration margin, Duration timeout, RetryPolicy retry,
            Sleeper sleeper) {
        this(store, clock, margin, timeout, DEFAULT_ANSWER_WAIT, retry, sleeper, RefreshEvents.NONE);
    }

    public TokenManager(TokenStore store, Clock clock, Duration margin, Duration timeout, Duration answerWait,
            RetryPolicy retry, Sleeper sleeper, RefreshEvents events) {
        this.store = store;
        this.clock = clock;
        this.margin = margin;
        this.timeout = timeout;
        this.answerWait = answerWait.compareTo(timeout) < 0 ? timeout : answerWait;
        this.retry = retry;
        this.sleeper = sleeper;
        this.events = events;
    }

    public TokenManager(TokenStore store, Clock clock) {
        this(store, clock, DEFAULT_MARGIN, DEFAULT_TIMEOUT, RetryPolicy.DEFAULT, Sleeper.SYSTEM);
    }

    /** The same manager telling {@code events} what it does. */
    public TokenManager withEvents(RefreshEvents events) {
        return new TokenManager(store, clock, margin, timeout, answerWait, retry, sleeper, events);
    }

    /** A valid access token for {@code account}, refreshed first if it is due. */
    public String accessToken(Account account) {
        return validTokens(account).accessToken();
    }

    /**
     * The tokens, refreshed first if due. When that refresh fails for a temporary reason and the current access
     * token has not expired, it is returned (and {@link RefreshEvents#servedDespiteFailure} told): only an
     * expired token makes a failed refresh fatal.
     */
    public TokenSet validTokens(Account account) {
        TokenSet current = storedOrNone(account);
        if (current != null && !current.needsRefresh(margin, clock.instant())) {
            return current;
        }
        try {
            return refreshIfDue(account);
        } catch (TemporaryFailure e) {
            TokenSet latest = storedOrNone(account);
            if (latest != null && latest.usableAt(clock.instant().plus(STILL_USABLE))) {
                events.servedDespiteFailure(account, latest, e);
                return latest;
            }
            throw e;
        }
    }

    /** Like {@link #validTokens} but a failed refresh always throws: for the daemon, which plans around it. */
    public TokenSet refreshIfDue(Account account) {
        return await(account, stored -> stored == null || stored.needsRefresh(margin, clock.instant()));
    }

    /** The stored tokens as they are, without refreshing: for status displays. */
    public Optional<TokenSet> peek(Account account) {
        return store.load(account.name());
    }

    /** The largest refresh margin (hour-long tokens); shorter tokens get a quarter of their life. */
    public Duration margin() {
        return margin;
    }

    /**
     * Called when a server refused {@code rejected}: refreshes once, unless another caller already replaced
     * that token, and returns the token to retry with. Never loops: the caller retries once with the result.
     */
    public String tokenAfterRejection(Account account, String rejected) {
        return await(account, stored -> stored == null || stored.accessToken().equals(rejected)).accessToken();
    }

    /** Refreshes now, whatever the expiry: what {@code oauthmail refresh} does. */
    public TokenSet refresh(Account account) {
        return await(account, stored -> true);
    }

    /**
     * Joins the account's refresh under way, or starts one that refreshes if {@code due} holds for the stored
     * tokens once the lock is held; waits for it at most the timeout.
     */
    private TokenSet await(Account account, Predicate<TokenSet> due) {
        CompletableFuture<TokenSet> refresh = inFlight.computeIfAbsent(account.name(), name -> start(account, due));
        try {
            return refresh.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new OAuthMailException("account " + account.name() + ": the refresh failed: " + e.getCause(), null, e);
        } catch (TimeoutException e) {
            throw new TemporaryFailure("account " + account.name() + ": no new token within "
                    + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s")
                    + " (the token endpoint is slow or not answering)", "try again later; a refresh already sent goes on "
                    + "while this process runs; [tokens] timeout sets how long to wait", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TemporaryFailure("account " + account.name() + ": interrupted while waiting for a token", null, e);
        }
    }

    /**
     * Waits until every refresh started here has ended, each at most its answer wait: for a process about to
     * exit that may still hold the only copy of a rotated refresh token on the way. Returns at once when none runs.
     */
    public void awaitRefreshesInFlight() {
        for (CompletableFuture<TokenSet> refresh : List.copyOf(inFlight.values())) {
            try {
                refresh.get(answerWait.plus(timeout).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // its caller was told already; there is nothing more to wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private CompletableFuture<TokenSet> start(Account account, Predicate<TokenSet> due) {
        CompletableFuture<TokenSet> result = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            TokenSet refreshed = null;
            Throwable failure = null;
            try {
                refreshed = refreshLockedIfDue(account, due);
            } catch (Throwable t) {
                failure = t;
            }
            // Out of the map before the waiters wake: a caller's next request must start a new refresh, not be
            // handed this one's result again.
            inFlight.remove(account.name(), result);
            if (failure == null) {
                result.complete(refreshed);
            } else {
                result.completeExceptionally(failure);
            }
        }, "oauthmail-refresh");
        // A daemon thread: it outlives the callers who gave up, never the program (which then ends it).
        worker.setDaemon(true);
        worker.start();
        return result;
    }

    private TokenSet refreshLockedIfDue(Account account, Predicate<TokenSet> due) {
        try (TokenStore.AccountLock lock = store.lock(account.name())) {
            // Another process may have refreshed while we waited for the lock.
            TokenSet current = storedOrNone(account);
            if (current != null && !due.test(current)) {
                return current;
            }
            try (TokenStore.PreparedSave save = store.prepareSave(account.name())) {
                Optional<TokenStore.UnsavedAnswer> unsaved = save.unsavedAnswer();
                TokenSet recovered = current == null || unsaved.isEmpty() || account.app().isPresent() ? null
                        : recover(account, current, unsaved.get());
                if (recovered == null) {
                    return new RefreshAttempts(account, current, save).run();
                }
                save.save(recovered);
                events.recoveredUnsavedAnswer(account, recovered);
                current = recovered;
            }
            if (!due.test(current)) {
                return current;
            }
            try (TokenStore.PreparedSave save = store.prepareSave(account.name())) {
                return new RefreshAttempts(account, current, save).run();
            }
        }
    }

    /**
     * The tokens of an answer an earlier refresh kept and never saved (its process was killed in between): it holds
     * the rotated refresh token, while the stored one may already be refused. Null if it cannot be read as tokens.
     */
    private TokenSet recover(Account account, TokenSet current, TokenStore.UnsavedAnswer unsaved) {
        try {
            return new TokenEndpoint(account, clock, timeout)
                    .refreshedFromKeptAnswer(current, unsaved.answer(), unsaved.receivedAt());
        } catch (TemporaryFailure e) {
            return null; // not an answer with tokens: refresh as usual, and explain a refusal
        }
    }

    /** One refresh with its retries, the lock held and the save prepared. */
    private final class RefreshAttempts {
        private final Account account;
        private final TokenSet current;
        private final TokenStore.PreparedSave save;
        private final Instant giveUpAt = clock.instant().plus(timeout);
        private TemporaryFailure lostAnswer;

        RefreshAttempts(Account account, TokenSet current, TokenStore.PreparedSave save) {
            this.account = account;
            this.current = current;
            this.save = save;
        }

        TokenSet run() {
            for (int attempt = 1; ; attempt++) {
                try {
                    // The answer is journaled as it arrives (save::journal), then saved as tokens: nothing else first.
                    TokenSet refreshed = new RefreshRequest(account, current, connectTimeout(), answerWait, clock)
                            .send(save::journal);
                    save.save(refreshed);
                    return refreshed;
                } catch (ReauthorizationRequired e) {
                    throw explain(e);
                } catch (TemporaryFailure e) {
                    decideOnRetry(e, attempt);
                }
            }
        }

        /** Returns to try again, or throws {@code e} when the retries or the time are spent. */
        private void decideOnRetry(TemporaryFailure e, int attempt) {
            if (e.requestMayHaveArrived()) {
                if (lostAnswer != null) {
                    throw e; // a second lost answer: stop, do not keep presenting the refresh token
                }
                lostAnswer = e;
                // Deliberate: if the provider acted on the lost request, the refresh token is spent anyway and the
                // next answer says so (explained below); if it did not, this retry saves the grant.
                events.resendingAfterLostAnswer(account, e);
            }
            Duration wait = retry.waitBefore(attempt + 1, e).orElseThrow(() -> e);
            if (clock.instant().plus(wait).isAfter(giveUpAt)) {
                throw e; // the command's timeout comes first
            }
            pause(wait, e);
        }

        private Duration connectTimeout() {
            Duration left = Duration.between(clock.instant(), giveUpAt);
            Duration floor = Duration.ofSeconds(1);
            return left.compareTo(floor) < 0 ? floor : left.compareTo(MAX_CONNECT) > 0 ? MAX_CONNECT : left;
        }

        private ReauthorizationRequired explain(ReauthorizationRequired e) {
            if (current == null) {
                return e;
            }
            if (lostAnswer != null) {
                return ReauthorizationHints.afterLostAnswer(e, account);
            }
            if (save.earlierRefreshUnfinished()) {
                return ReauthorizationHints.afterUnfinishedRefresh(e, account);
            }
            return ReauthorizationHints.explain(e, account, current, clock.instant());
        }
    }

    private void pause(Duration wait, TemporaryFailure cause) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw cause;
        }
    }

    /** The stored tokens; nothing stored is fine for an app-only account, which obtains its first token itself. */
    private TokenSet storedOrNone(Account account) {
        return account.app().isPresent() ? store.load(account.name()).orElse(null) : stored(account);
    }

    private TokenSet stored(Account account) {
        return store.load(account.name()).orElseThrow(() -> new ReauthorizationRequired(account.name(),
                "it has no stored tokens (never logged in, or logged out)", "run: " + account.loginCommand()));
    }
}
