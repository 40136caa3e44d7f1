package io.oauthmail.cli.serve;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.server.Daemon;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.Sleeper;
import io.oauthmail.token.TokenManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail serve}: keeps every configured account's token fresh until stopped (SIGTERM, Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Keep every account's token fresh in the background, warn before re-authorization is due,",
            "and answer oauthmail status. Hooks: [serve] on_reauth_needed, on_error, on_token_refreshed, on_warning.",
            "With --listen or [[listener]] tables in the config, also run the SMTP, IMAP and POP3 proxy.",
            "Stop it with SIGTERM or Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @picocli.CommandLine.Option(names = "--listen", paramLabel = "PROTOCOL=HOST:PORT",
            description = {"Run the proxy for clients without OAuth, e.g. smtp=127.0.0.1:1587, imap=127.0.0.1:1143 or "
                    + "pop=127.0.0.1:1110 (repeatable), serving every account by its login name. Clients log in as the account "
                    + "with its local password (accounts set-local-password). More listeners: [[listener]] in the config."})
    List<String> listen = new ArrayList<>();

    @picocli.CommandLine.Option(names = "--tls", paramLabel = "MODE", defaultValue = "none",
            description = "Local TLS of every --listen: none (default; loopback only), starttls (STARTTLS/STLS, required "
                    + "before login) or implicit (TLS from the first byte, like 465/993/995). Needed beyond 127.0.0.1.")
    String tls;

    @picocli.CommandLine.Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain for --tls (with --tls-key); default: a self-signed certificate kept in "
                    + "the state folder, whose path and SHA-256 fingerprint are printed at start.")
    Path tlsCert;

    @picocli.CommandLine.Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (PKCS#8, RSA or EC).")
    Path tlsKey;

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        List<Account> accounts = new ArrayList<>();
        for (AccountSettings settings : context.config().accounts().values()) {
            accounts.add(AccountResolver.withSecret(settings));
        }
        List<ListenerSettings> listeners = new ArrayList<>(context.config().listeners());
        listeners.addAll(ProxyListeners.fromFlags(listen, tls, tlsCert, tlsKey));
        // The refresher backs off by itself (30 s up to 10 min): the token manager must not retry underneath it.
        TokenManager tokens = new TokenManager(context.store(), context.clock(), TokenManager.DEFAULT_MARGIN,
                Duration.ofSeconds(30), RetryPolicy.NONE, Sleeper.SYSTEM);
        Daemon daemon = Daemon.start(accounts, tokens, context.config().hooks(),
                Daemon.socketIn(context.paths().stateDir()));
        List<AutoCloseable> proxies = new ArrayList<>();
        List<String> started;
        try {
            started = ProxyListeners.start(listeners, accounts, context, tokens, proxies);
        } catch (RuntimeException e) {
            proxies.forEach(ServeCommand::closeQuietly);
            daemon.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxies.forEach(ServeCommand::closeQuietly);
            daemon.close();
            stopped.countDown();
        }, "oauthmail-serve-stop"));
        for (String line : started) {
            context.err().println("oauthmail serve: proxy " + line);
        }
        if (!started.isEmpty()) {
            context.err().println("oauthmail serve: proxy clients log in as the account, with its local password");
        }
        context.err().println("oauthmail serve: keeping " + accounts.size() + " account(s) fresh; status: oauthmail status"
                + " (socket " + daemon.socket() + "); stop with Ctrl-C or SIGTERM");
        context.err().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // stopping anyway
        }
    }
}
