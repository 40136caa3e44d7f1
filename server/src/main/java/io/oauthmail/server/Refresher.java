package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.Quirk;
import io.oauthmail.token.GrantLifetimes;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenState;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every account's access token fresh in the background, through the same {@link TokenManager} and
 * store as the CLI (so a rotated refresh token is never fought over). Each account is refreshed when its
 * token becomes due by the manager's rule (a quarter of its lifetime before expiry, at most the configured
 * margin), plus a random part of up to a fifth of that margin, so a thousand accounts with tokens of the same age
 * do not all refresh in the same second; never before it is due, so an account is refreshed at most
 * 3,600 / (lifetime - margin) times an hour. Temporary failures are retried with growing pauses (30 s up to
 * 10 min); a lost grant stops the account's refreshes and is reported once, until the store shows a new login
 * (checked every 10 s), which starts them again without a reload. A watchdog notices when the wall clock jumps against the monotonic one (suspend and
 * resume, a clock change) and re-plans every account at once, instead of waking hours late.
 */
final class Refresher implements AutoCloseable {

    private static final Duration WATCHDOG = Duration.ofSeconds(30);
    /** The daemon never gives up on an account: 30 s, 1 min, 2 min ... at most 10 min between tries. */
    private static final RetryPolicy RETRY = new RetryPolicy(Integer.MAX_VALUE, Duration.ofSeconds(30), Duration.ofMinutes(10));
    private static final Duration LOGIN_WATCH = Duration.ofSeconds(10);

    private final TokenManager tokens;
    private final Duration loginWatch;
    private final Clock clock;
    private final Events events;
    private final ScheduledExecutorService scheduler;
    private final Random random = new SecureRandom();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> planned = new ConcurrentHashMap<>();
    private final Map<String, AccountState> states = new ConcurrentHashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private long lastWall;
    private long lastMono;
    private boolean watching;

    public Refresher(TokenManager tokens, Clock clock, Events events) {
        this(tokens, clock, events, LOGIN_WATCH);
    }

    /** With another interval for noticing a new login after a lost grant (tests). */
    Refresher(TokenManager tokens, Clock clock, Events events, Duration loginWatch) {
        this.loginWatch = loginWatch;
        this.tokens = tokens;
        this.clock = clock;
        this.events = events;
        this.scheduler = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "oauthmail-refresher");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts keeping {@code list} fresh (replacing any accounts kept so far) and the clock watchdog. */
    public synchronized void start(List<Account> list) {
        planned.values().forEach(f -> f.cancel(false));
        planned.clear();
        accounts.clear();
        states.clear();
        failures.clear();
        for (Account account : list) {
            accounts.put(account.name(), account);
            plan(account, Duration.ZERO);
        }
        lastWall = clock.millis();
        lastMono = System.nanoTime();
        if (!watching) { // a reload starts the accounts again, not a second watchdog
            watching = true;
            scheduler.scheduleWithFixedDelay(this::watchClock, WATCHDOG.toSeconds(), WATCHDOG.toSeconds(), TimeUnit.SECONDS);
        }
    }

    public List<AccountState> states() {
        return accounts.keySet().stream().sorted().map(name -> states.getOrDefault(name,
                new AccountState(name, TokenState.STARTING, null, null, null))).toList();
    }

    private void plan(Account account, Duration delay) {
        if (accounts.get(account.name()) != account) {
            return; // a refresh that ended after a reload dropped or replaced its account
        }
        ScheduledFuture<?> previous = planned.put(account.name(),
                scheduler.schedule(() -> refresh(account), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Runs in the scheduler: makes the token valid (refreshing if within the margin) and plans the next run. */
    private void refresh(Account account) {
        Instant now = clock.instant();
        // Read before the attempt: a login that stores new tokens while the failure is being reported must count as
        // new. Read after, the watch below took the new login's token for the dead one and never noticed it.
        String storedBefore = storedRefreshToken(account);
        try {
            String before = tokens.peek(account).map(TokenSet::accessToken).orElse(null);
            TokenSet tokenSet = tokens.refreshIfDue(account);
            failures.remove(account.name());
            Instant next = nextRefresh(tokenSet, now);
            if (!tokenSet.accessToken().equals(before)) {
                events.tokenRefreshed(account, tokenSet.expiresAt());
            }
            String warning = warning(account, tokenSet, now);
            states.put(account.name(), new AccountState(account.name(), TokenState.OK, tokenSet.expiresAt(), next, warning));
            if (warning != null) {
                events.warning(account, warning);
            }
            plan(account, Duration.between(now, next));
        } catch (ReauthorizationRequired e) {
            states.put(account.name(), new AccountState(account.name(), TokenState.NEEDS_LOGIN, null, null, e.getMessage()));
            events.reauthorizationNeeded(account, e.getMessage(), account.loginCommand());
            watchForLogin(account, storedBefore);
        } catch (TemporaryFailure e) {
            retryLater(account, now, e.getMessage());
        } catch (RuntimeException e) {
            // anything else (a damaged store, a bug) must not end the account's refreshing for good
            retryLater(account, now, e instanceof OAuthMailException ? e.getMessage() : e.toString());
        }
    }

    /**
     * After a lost grant: looks at the store every 10 s and starts refreshing again as soon as it
     * holds another refresh token (the user ran {@code oauthmail login}, in a terminal or elsewhere).
     */
    private void watchForLogin(Account account, String deadRefreshToken) {
        if (accounts.get(account.name()) != account) {
            return;
        }
        ScheduledFuture<?> previous = planned.put(account.name(), scheduler.schedule(() -> {
            String now = storedRefreshToken(account);
            if (now != null && !now.equals(deadRefreshToken)) {
                plan(account, Duration.ZERO);
            } else {
                watchForLogin(account, deadRefreshToken);
            }
        }, loginWatch.toMillis(), TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private String storedRefreshToken(Account account) {
        try {
            return tokens.peek(account).map(t -> t.refreshToken() == null ? "" : t.refreshToken()).orElse(null);
        } catch (RuntimeException e) {
            return null; // a damaged store: the next look may find it repaired
        }
    }

    private void retryLater(Account account, Instant now, String message) {
        int failed = failures.merge(account.name(), 1, Integer::sum);
        Duration pause = RETRY.delayBefore(failed + 1);
        Instant retryAt = now.plus(pause);
        AccountState old = states.get(account.name());
        String unused = unusedWarning(account, now);
        states.put(account.name(), new AccountState(account.name(), TokenState.RETRYING, old == null ? null : old.expiresAt(), retryAt,
                unused == null ? message : message + "; " + unused));
        events.error(account, message, retryAt);
        if (unused != null) {
            events.warning(account, unused);
        }
        plan(account, pause);
    }

    /**
     * Microsoft drops a refresh token unused for 90 days. While refreshes succeed that never happens (each one
     * uses it, and the rotated token is stored with its issue time); when they keep failing, the stored issue
     * time is the last successful use, so from day 80 the user is told before the grant is gone.
     */
    private String unusedWarning(Account account, Instant now) {
        if (!account.provider().has(Quirk.REFRESH_TOKEN_DIES_AFTER_90_DAYS_UNUSED)) {
            return null;
        }
        Instant lastUse;
        try {
            lastUse = tokens.peek(account).map(TokenSet::refreshTokenIssuedAt).orElse(null);
        } catch (RuntimeException e) {
            return null; // the store's own problem is already the error being reported
        }
        return lastUse == null ? null : GrantLifetimes.unusedWarning(account, Duration.between(lastUse, now)).orElse(null);
    }

    /**
     * When the token is due, plus a random part of up to a fifth of its margin (spreads the load; the token then
     * still has at least four fifths of its margin left). Never earlier than due: a refresh planned before then
     * would find the token fresh and do nothing, and planning again from there is how one account once woke
     * 29 times in 30 s.
     */
    Instant nextRefresh(TokenSet tokenSet, Instant now) {
        Duration margin = tokenSet.refreshMargin(tokens.margin());
        Instant due = tokenSet.expiresAt().minus(margin);
        long spread = margin.toMillis() / 5;
        Instant next = due.plusMillis(spread == 0 ? 0 : (long) (random.nextDouble() * spread));
        return next.isBefore(now) ? now : next;
    }

    private static String warning(Account account, TokenSet tokens, Instant now) {
        return tokens.refreshTokenIssuedAt() == null ? null
                : GrantLifetimes.testingAppWarning(account, Duration.between(tokens.refreshTokenIssuedAt(), now)).orElse(null);
    }

    /** Re-plans everything when the wall clock moved differently from the monotonic clock (suspend, clock change). */
    private synchronized void watchClock() {
        long wall = clock.millis();
        long mono = System.nanoTime();
        long drift = (wall - lastWall) - (mono - lastMono) / 1_000_000;
        lastWall = wall;
        lastMono = mono;
        if (Math.abs(drift) > WATCHDOG.toMillis()) {
            replanAll();
        }
    }

    /** Plans every account's refresh anew, now: after a resume or a clock jump. */
    public void replanAll() {
        accounts.values().forEach(account -> plan(account, Duration.ZERO));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
