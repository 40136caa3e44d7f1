package io.oauthmail.server;

import io.oauthmail.account.Account;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.config.RelaySettings;
import io.oauthmail.config.WebSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.server.proxy.Proxy;
import io.oauthmail.server.proxy.ProxyListeners;
import io.oauthmail.server.relay.FileSpool;
import io.oauthmail.server.relay.RelayListener;
import io.oauthmail.server.relay.RelayQueue;
import io.oauthmail.server.web.WebConsole;
import io.oauthmail.token.RefreshEvents;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The daemon whole, as {@code oauthmail serve} runs it: the refresher, notifier and control socket ({@link Daemon})
 * and the proxy listeners, started from one {@link OAuthMailRuntime}, with a reload that applies a re-read config
 * file and a stop that ends everything in order. The command line only parses its flags and hands them over.
 *
 * <p>A reload reads and checks the whole file before it changes anything, so a file with a mistake leaves the
 * running configuration as it was. Listeners are started anew (the old ones stop accepting; their open
 * sessions go on to their natural end); if a new one cannot listen, the previous listeners come back. The
 * token store is not reopened: its settings take effect at the next start. The web console ({@code --web} or
 * {@code [web] listen}) stays as it started (a changed address takes effect at the next start); its pages show the
 * reloaded accounts.
 */
public final class Serve implements AutoCloseable {

    private final OAuthMailRuntime runtime;
    private final List<ListenerSettings> fromFlags;
    private final TokenManager tokens;
    private final PrintWriter messages;
    private final Daemon daemon;
    private List<ListenerSettings> listeners;
    private volatile List<Account> accounts;
    private List<Proxy> proxies = new ArrayList<>();
    private WebConsole console;
    /** The relay's queue and workers: started with the first relay listener, kept until the daemon stops. */
    private volatile RelayService relay;
    /** Told of each message the relay queued: the workers look at once. */
    private final Consumer<RelayQueue.Entry> relayAccepted = entry -> {
        RelayService running = relay;
        if (running != null) {
            running.accepted(entry);
        }
    };

    private Serve(OAuthMailRuntime runtime, List<ListenerSettings> fromFlags, PrintWriter messages) throws IOException {
        this.runtime = runtime;
        this.fromFlags = List.copyOf(fromFlags);
        this.messages = messages;
        // The refresher backs off by itself (30 s up to 10 min): the token manager must not retry underneath it.
        this.tokens = runtime.tokenManager(RetryPolicy.NONE, RefreshEvents.NONE);
        Config config = runtime.config();
        this.accounts = accounts(config);
        this.listeners = listeners(config);
        this.daemon = Daemon.start(accounts, tokens, config.hooks(), Daemon.socketIn(runtime.paths().stateDir()), this::reload,
                new io.oauthmail.server.ops.DaemonMetrics(), () -> Optional.ofNullable(relay).map(RelayService::queue));
    }

    /**
     * Starts the daemon, then every listener (the config's and {@code fromFlags}); if one cannot start, nothing stays
     * running. What it does goes to {@code messages}, a line each, for a person or the journal.
     */
    public static Serve start(OAuthMailRuntime runtime, List<ListenerSettings> fromFlags, PrintWriter messages)
            throws IOException {
        return start(runtime, fromFlags, WebSettings.DEFAULT, messages);
    }

    /**
     * Like {@link #start(OAuthMailRuntime, List, PrintWriter)}, with the web console as {@code web} (the flags) and
     * the config's {@code [web]} say, the flags winning; no console when neither gives an address.
     */
    public static Serve start(OAuthMailRuntime runtime, List<ListenerSettings> fromFlags, WebSettings web,
            PrintWriter messages) throws IOException {
        Serve serve = new Serve(runtime, fromFlags, messages);
        try {
            serve.report(serve.startListeners(serve.listeners, serve.accounts, serve.proxies));
            WebSettings console = runtime.config().web().under(web);
            if (console.listen().isPresent()) {
                serve.console = WebConsole.start(console, runtime, serve::currentAccounts, serve.tokens, serve::reload,
                        serve.daemon::lookAgain);
                serve.daemon.showConsole(serve.console.url());
                serve.say("web console on " + serve.console.url() + serve.console.certificate().map(c -> " with " + c)
                        .orElse("") + " (admin password: oauthmail web set-password)");
            }
        } catch (RuntimeException e) {
            serve.close();
            throw e;
        }
        return serve;
    }

    /** The control socket, where {@code oauthmail status}, {@code reload} and {@code token} find the daemon. */
    public Path socket() {
        return daemon.socket();
    }

    /** What the daemon counts (also served as {@code GET /metrics} on the control socket). */
    public io.oauthmail.server.ops.DaemonMetrics metrics() {
        return daemon.metrics();
    }

    public int accountCount() {
        return accounts.size();
    }

    /**
     * Runs until asked to stop, then stops in order. SIGTERM and Ctrl-C end the wait, so the stop runs in order and
     * the process can exit 0; a shutdown hook covers a JVM where signals cannot be caught and any other way the JVM
     * is asked to exit. Signals are the process's: taken only when {@code ownsProcess}, never inside a test or a
     * host program. SIGHUP reloads.
     */
    public void runUntilStopped(boolean ownsProcess) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            close();
            stopped.countDown();
        }, "oauthmail-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean hangup = false;
        if (ownsProcess) {
            Signals.onTerminate(stopped::countDown);
            hangup = Signals.onHangup(() -> {
                try {
                    reload();
                } catch (RuntimeException e) {
                    // already said by the reload; the daemon goes on as it was
                }
            });
        }
        say("keeping " + accountCount() + " account(s) fresh; status: oauthmail status (socket " + socket()
                + "); reload: oauthmail reload" + (hangup ? " or SIGHUP" : "") + "; stop with Ctrl-C or SIGTERM");
        stopped.await();
        say("stopping");
        close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (the hook ran): nothing to undo
        }
    }

    /** Re-reads the config file and applies it; returns what it did. Throws, changing nothing, on a bad file. */
    public synchronized String reload() {
        Config config;
        List<Account> newAccounts;
        try {
            runtime.configChanged();
            config = runtime.config();
            newAccounts = accounts(config);
        } catch (OAuthMailException e) {
            say("reload refused, the running configuration stays: " + e.getMessage());
            throw e;
        }
        List<ListenerSettings> newListeners = listeners(config);
        proxies.forEach(Proxy::stopAccepting);
        List<Proxy> started = new ArrayList<>();
        List<String> lines;
        try {
            lines = startListeners(newListeners, newAccounts, started);
        } catch (OAuthMailException e) {
            started.forEach(Proxy::close);
            List<Proxy> restored = new ArrayList<>();
            startListeners(listeners, accounts, restored);
            proxies = restored;
            say("reload refused, the previous listeners are back: " + e.getMessage());
            throw e;
        }
        proxies = started;
        listeners = newListeners;
        accounts = newAccounts;
        daemon.reload(newAccounts, config.hooks());
        report(lines);
        String summary = "reloaded " + config.file() + ": " + newAccounts.size() + " account(s), " + lines.size()
                + " proxy listener(s)";
        say(summary);
        return summary;
    }

    private List<Account> currentAccounts() {
        return accounts;
    }

    /** The web console's address, when it runs. */
    public Optional<java.net.URI> webConsole() {
        return Optional.ofNullable(console).map(WebConsole::url);
    }

    private List<String> startListeners(List<ListenerSettings> settings, List<Account> serving, List<Proxy> started) {
        return ProxyListeners.start(settings, serving, runtime.paths(), runtime.clock(), tokens, started,
                daemon.metrics(), Map.of("relay", (relay, address, certificate, allowed, passwords) -> RelayListener.start(
                        relay, address, certificate, allowed, passwords, relayQueue(), relayAccepted, runtime.clock())));
    }

    /**
     * The relay's queue (the embedded spool, where {@code [relay] spool} says or under the state folder), its workers
     * started with it, both with {@code [relay]} as it was at start (a reload keeps them). From then on the queue's
     * counts are in the status and the metrics.
     */
    private synchronized RelayQueue relayQueue() throws IOException {
        if (relay == null) {
            relay = RelayService.start(runtime, tokens, name -> accounts.stream()
                    .filter(account -> account.name().equals(name)).findFirst(), daemon);
            daemon.metrics().relayQueue(RelayStatus.gauges(relay.queue(), runtime.clock()));
            say("relay queue in " + relay.where() + ": " + relay.queue().counts().queued()
                    + " message(s) waiting");
        }
        return relay.queue();
    }

    /** Where the embedded spool is: {@code [relay] spool}, or {@code relay/} in the state folder. */
    public static Path spoolFolder(RelaySettings settings, io.oauthmail.config.OAuthMailPaths paths) {
        return settings.spool().orElseGet(() -> FileSpool.defaultFolder(paths));
    }

    private List<Account> accounts(Config config) {
        List<Account> list = new ArrayList<>();
        for (AccountSettings settings : config.accounts().values()) {
            list.add(AccountResolver.withSecret(settings));
        }
        return list;
    }

    private List<ListenerSettings> listeners(Config config) {
        List<ListenerSettings> all = new ArrayList<>(config.listeners());
        all.addAll(fromFlags);
        return all;
    }

    private void report(List<String> lines) {
        for (String line : lines) {
            say("proxy " + line);
        }
        if (!lines.isEmpty()) {
            say("proxy clients log in as the account, with its local password");
        }
    }

    private void say(String line) {
        synchronized (messages) {
            messages.println("oauthmail serve: " + line);
            messages.flush();
        }
    }

    /** Ends every proxy session, closes the listeners and the control socket, stops refreshing. */
    @Override
    public synchronized void close() {
        if (console != null) {
            console.close();
        }
        proxies.forEach(Proxy::close);
        if (relay != null) {
            try {
                relay.close();
            } catch (IOException e) {
                say("the relay queue did not close cleanly: " + e.getMessage());
            }
        }
        daemon.close();
    }
}
