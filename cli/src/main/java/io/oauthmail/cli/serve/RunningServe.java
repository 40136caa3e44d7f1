package io.oauthmail.cli.serve;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.Config;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.Daemon;
import io.oauthmail.server.proxy.Proxy;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code oauthmail serve} runs: the daemon (refresher, notifier, control socket) and the proxy listeners,
 * with a reload that applies a re-read config file and a stop that ends everything in order.
 *
 * <p>A reload reads and checks the whole file before it changes anything, so a file with a mistake leaves the
 * running configuration as it was. Listeners are started anew (the old ones stop accepting; their open
 * sessions go on to their natural end); if a new one cannot listen, the previous listeners come back. The
 * token store is not reopened: its settings take effect at the next start.
 */
final class RunningServe implements AutoCloseable {

    private final CliContext context;
    private final List<ListenerSettings> fromFlags;
    private final TokenManager tokens;
    private final Daemon daemon;
    private List<ListenerSettings> listeners;
    private List<Account> accounts;
    private List<Proxy> proxies = new ArrayList<>();

    private RunningServe(CliContext context, List<ListenerSettings> fromFlags, TokenManager tokens, Config config)
            throws IOException {
        this.context = context;
        this.fromFlags = List.copyOf(fromFlags);
        this.tokens = tokens;
        this.accounts = accounts(config);
        this.listeners = listeners(config);
        this.daemon = Daemon.start(accounts, tokens, config.hooks(), Daemon.socketIn(context.paths().stateDir()), this::reload);
    }

    /** Starts the daemon, then every listener; if one cannot start, nothing stays running. */
    static RunningServe start(CliContext context, List<ListenerSettings> fromFlags, TokenManager tokens) throws IOException {
        RunningServe serve = new RunningServe(context, fromFlags, tokens, context.config());
        try {
            serve.report(ProxyListeners.start(serve.listeners, serve.accounts, context, tokens, serve.proxies, serve.daemon.metrics()));
        } catch (RuntimeException e) {
            serve.close();
            throw e;
        }
        return serve;
    }

    Daemon daemon() {
        return daemon;
    }

    int accountCount() {
        return accounts.size();
    }

    /** Re-reads the config file and applies it; returns what it did. Throws, changing nothing, on a bad file. */
    synchronized String reload() {
        Config config;
        List<Account> newAccounts;
        try {
            context.configChanged();
            config = context.config();
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
            lines = ProxyListeners.start(newListeners, newAccounts, context, tokens, started, daemon.metrics());
        } catch (OAuthMailException e) {
            started.forEach(Proxy::close);
            List<Proxy> restored = new ArrayList<>();
            ProxyListeners.start(listeners, accounts, context, tokens, restored, daemon.metrics());
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
        synchronized (context.err()) {
            context.err().println("oauthmail serve: " + line);
            context.err().flush();
        }
    }

    /** Ends every proxy session, closes the listeners and the control socket, stops refreshing. */
    @Override
    public synchronized void close() {
        proxies.forEach(Proxy::close);
        daemon.close();
    }
}
