package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.ops.FailureKind;
import io.oauthmail.server.relay.RelayQueue;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenState;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code oauthmail serve}: the refresher keeping every account fresh, the notifier running the user's hooks,
 * and the control socket answering {@code oauthmail status} and {@code oauthmail token}. The proxies are
 * started beside it by the command.
 */
public final class Daemon implements AutoCloseable {

    /** What {@code oauthmail reload} and SIGHUP run: re-read the config and apply it; returns what changed. */
    public interface Reload {
        String run();
    }

    private final TokenManager tokens;
    private final Notifier notifier;
    private final Refresher refresher;
    private final ControlServer control;
    private final DaemonLock lock;
    private final LostGrants lostGrants;
    private final DaemonMetrics metrics;
    private final Supplier<Optional<RelayQueue>> relay;
    /** The daemon's notices and counts, which the relay's outcomes also go to ({@link RelayNotices}). */
    private final Events events;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Map<String, Account> accounts;
    private volatile URI console;

    private Daemon(TokenManager tokens, Notifier notifier, Refresher refresher, List<Account> accounts, Path socket,
            Reload reload, DaemonLock lock, LostGrants lostGrants, DaemonMetrics metrics, Events events,
            Supplier<Optional<RelayQueue>> relay) throws IOException {
        this.lock = lock;
        this.events = events;
        this.relay = relay;
        this.metrics = metrics;
        this.lostGrants = lostGrants;
        this.tokens = tokens;
        this.notifier = notifier;
        this.refresher = refresher;
        this.accounts = byName(accounts);
        this.control = ControlServer.start(socket, new ControlServer.Answers() {
            @Override
            public String status() {
                return statusJson();
            }

            @Override
            public Optional<TokenSet> token(String account) {
                Account known = Daemon.this.accounts.get(account);
                try {
                    return known == null ? Optional.empty() : Optional.of(tokens.validTokens(known));
                } catch (RuntimeException e) {
                    metrics.failed(FailureKind.of(e), DaemonMetrics.Source.CONTROL);
                    throw e;
                }
            }

            @Override
            public Optional<String> metrics() {
                return Optional.of(metrics.scrape());
            }

            @Override
            public String reload() {
                return reload.run();
            }

            @Override
            public Optional<RelayQueue> relayQueue() {
                return relay.get();
            }
        });
    }

    public static Daemon start(List<Account> accounts, TokenManager tokens, Map<String, String> hooks, Path socket)
            throws IOException {
        return start(accounts, tokens, hooks, socket, () -> "this daemon cannot reload its configuration");
    }

    /**
     * Starts the refresher, the notifier and the control socket; {@code reload} answers {@code oauthmail reload}.
     * First takes the state folder's daemon lock: a second daemon for the same folder stops here, before it
     * refreshes anything or touches the running one's socket.
     */
    public static Daemon start(List<Account> accounts, TokenManager tokens, Map<String, String> hooks, Path socket,
            Reload reload) throws IOException {
        return start(accounts, tokens, hooks, socket, reload, new DaemonMetrics());
    }

    /** As {@link #start(List, TokenManager, Map, Path, Reload)}, counting in {@code metrics} (also served on the socket). */
    public static Daemon start(List<Account> accounts, TokenManager tokens, Map<String, String> hooks, Path socket,
            Reload reload, DaemonMetrics metrics) throws IOException {
        return start(accounts, tokens, hooks, socket, reload, metrics, Optional::empty);
    }

    /**
     * As {@link #start(List, TokenManager, Map, Path, Reload, DaemonMetrics)}, with the relay's queue while one runs
     * ({@code relay} is asked at each request): its counts join the status, and {@code oauthmail queue} reaches it.
     */
    public static Daemon start(List<Account> accounts, TokenManager tokens, Map<String, String> hooks, Path socket,
            Reload reload, DaemonMetrics metrics, Supplier<Optional<RelayQueue>> relay) throws IOException {
        Path runDir = socket.toAbsolutePath().getParent();
        DaemonLock lock = DaemonLock.acquire(runDir);
        Notifier notifier = new Notifier(hooks);
        // The socket is STATE/run/serve.sock (socketIn): the notes of lost grants go beside run/, in STATE.
        LostGrants lostGrants = LostGrants.in(runDir.getParent());
        Events events = new MeteredEvents(metrics, new LostGrantNotes(notifier, lostGrants, tokens, Clock.systemUTC()));
        Refresher refresher = new Refresher(tokens, Clock.systemUTC(), events);
        refresher.start(accounts);
        try {
            return new Daemon(tokens, notifier, refresher, accounts, socket, reload, lock, lostGrants, metrics, events, relay);
        } catch (IOException | RuntimeException e) {
            refresher.close();
            lock.close();
            throw e;
        }
    }

    /**
     * Applies a re-read configuration: the accounts kept fresh and served on the control socket, and the hooks.
     * Tokens are not touched: the refresher looks at each account again at once and refreshes only what is due.
     */
    public void reload(List<Account> newAccounts, Map<String, String> hooks) {
        notifier.useHooks(hooks);
        accounts = byName(newAccounts);
        refresher.start(newAccounts);
    }

    private static Map<String, Account> byName(List<Account> list) {
        Map<String, Account> map = new HashMap<>();
        list.forEach(account -> map.put(account.name(), account));
        return Map.copyOf(map);
    }

    /** Where the relay's outcomes are told: the same hooks and counts as the refresher's. */
    Events events() {
        return events;
    }

    /** Where the control socket lives: in the state folder, so several installations never share one. */
    public static Path socketIn(Path stateDir) {
        return stateDir.resolve("run").resolve("serve.sock");
    }

    public Path socket() {
        return control.socket();
    }

    /** What the daemon counts; the proxies it serves report to it ({@link io.oauthmail.server.proxy.ListenerOptions#events}). */
    public DaemonMetrics metrics() {
        return metrics;
    }

    /**
     * Looks at every account again now (refreshing only what is due): after a login stored tokens from outside the
     * refresher (the web console), so the status says so at once rather than at the next 10 s look for a login.
     */
    public void lookAgain() {
        refresher.replanAll();
    }

    /** Names the web console this daemon serves, so {@code oauthmail status} shows where it is. */
    public void showConsole(URI url) {
        console = url;
    }

    /**
     * One JSON object per account; no tokens. When a web console runs, a first object names it
     * ({@code {"web_console": URL}}, no {@code account}), so {@code oauthmail status} can say where it is; while a
     * relay runs, a last one carries its queue's counts ({@code {"relay": {...}}}, see {@link RelayStatus}).
     */
    private String statusJson() {
        String accountLines = accountsJson().stripTrailing();
        return relay.get().map(queue -> (accountLines.isEmpty() ? "" : accountLines + "\n")
                + RelayStatus.json(queue, Instant.now())).orElse(accountLines);
    }

    private String accountsJson() {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Instant now = Instant.now();
        String head = "";
        if (console != null) {
            head = json.createObjectNode().put("web_console", console.toString()).toString() + "\n";
        }
        return head + refresher.states().stream().map(state -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("account", state.account());
            fields.put("status", word(state, now).word());
            fields.put("expires_at", state.expiresAt() == null ? null : state.expiresAt().toString());
            fields.put("next_refresh", state.nextRefresh() == null ? null : state.nextRefresh().toString());
            fields.put("message", state.message());
            try {
                return json.writeValueAsString(fields);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.joining("\n"));
    }

    /**
     * The refresher's word, made as precise as {@code oauthmail accounts} is, by the same rule
     * ({@link TokenState#of}): "needs-login" for an account with nothing stored is "not-logged-in"; "ok" is
     * "needs-login" when a command has meanwhile noted the grant lost (the refresher learns it only at its next
     * refresh), and "expired" for an access token past its expiry (a refresh still to come after a suspend).
     */
    private TokenState word(AccountState state, Instant now) {
        TokenState word = state.state();
        Account account = accounts.get(state.account());
        if (account == null || (word != TokenState.OK && word != TokenState.NEEDS_LOGIN)) {
            return word;
        }
        try {
            Optional<TokenSet> stored = tokens.peek(account);
            boolean lost = word == TokenState.NEEDS_LOGIN
                    || stored.flatMap(t -> lostGrants.find(account.name(), t)).isPresent();
            return TokenState.of(stored, lost, account.app().isPresent(), now);
        } catch (RuntimeException e) {
            return word; // the store cannot say more; the message says why
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return; // closed twice (the stop, then the shutdown hook): the lock may already be another daemon's
        }
        control.close();
        refresher.close();
        lock.close(); // last: the socket is gone before another daemon may start
    }
}
