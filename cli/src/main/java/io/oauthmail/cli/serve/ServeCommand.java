package io.oauthmail.cli.serve;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.server.ops.MetricsListener;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail serve}: keeps every configured account's token fresh until stopped (SIGTERM, Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the daemon: keep every account's token fresh, and serve the mail proxies if asked.",
            "Refreshes in the background, warns before re-authorization is due, and answers oauthmail status.",
            "Hooks: [serve] on_reauth_needed, on_error, on_token_refreshed, on_warning.",
            "With --listen or [[listener]] tables in the config, also run the SMTP, IMAP and POP3 proxy.",
            "Stop it with SIGTERM or Ctrl-C."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail serve",
            "  oauthmail serve --listen smtp=127.0.0.1:1587 --listen imap=127.0.0.1:1143",
            "  oauthmail serve --log-format json --metrics 127.0.0.1:9464"})
public final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @picocli.CommandLine.Option(names = "--listen", paramLabel = "PROTOCOL=HOST:PORT",
            description = {"Run the proxy for clients without OAuth, e.g. smtp=127.0.0.1:1587, imap=127.0.0.1:1143 or "
                    + "pop=127.0.0.1:1110 (repeatable), serving every account by its login name. Clients log in as the account "
                    + "with its local password (accounts set-local-password). More listeners: [[listener]] in the config."})
    List<String> listen = new ArrayList<>();

    @picocli.CommandLine.Option(names = "--tls", paramLabel = "none|starttls|implicit", defaultValue = "none",
            converter = TlsChoice.Converter.class,
            description = "Local TLS of every --listen: none (default; loopback only), starttls (STARTTLS/STLS, required "
                    + "before login) or implicit (TLS from the first byte, like 465/993/995). Needed beyond 127.0.0.1.")
    TlsChoice tls;

    @picocli.CommandLine.Option(names = "--max-connections", paramLabel = "N",
            defaultValue = "" + ListenerSettings.DEFAULT_MAX_CONNECTIONS,
            description = "Clients at once per --listen (default ${DEFAULT-VALUE}); the next one is told to come back "
                    + "later. Each costs two file descriptors: raise ulimit -n for thousands. [[listener]]: max_connections.")
    int maxConnections;

    @picocli.CommandLine.Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain for --tls (with --tls-key); default: a self-signed certificate kept in "
                    + "the state folder, whose path and SHA-256 fingerprint are printed at start.")
    Path tlsCert;

    @picocli.CommandLine.Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert (PKCS#8, RSA or EC).")
    Path tlsKey;

    @picocli.CommandLine.Mixin
    OpsOptions ops = new OpsOptions();

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        ops.applyLogging(context);
        List<ListenerSettings> fromFlags = ProxyListeners.fromFlags(listen, tls.toString(), tlsCert, tlsKey, maxConnections);
        // The refresher backs off by itself (30 s up to 10 min): the token manager must not retry underneath it.
        TokenManager tokens = new TokenManager(context.store(), context.clock(), context.config().refreshMargin(),
                context.config().tokenTimeout(), RetryPolicy.NONE, Sleeper.SYSTEM);
        RunningServe serve = RunningServe.start(context, fromFlags, tokens);
        Optional<MetricsListener> metrics;
        try {
            metrics = ops.startMetrics(serve.daemon().metrics());
        } catch (RuntimeException e) {
            serve.close();
            throw e;
        }
        metrics.ifPresent(listener -> context.err().println("oauthmail serve: metrics on " + listener.url()));
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C end the wait below, so the stop runs in order and the exit code is 0; the hook
        // covers a JVM where signals cannot be caught, and any other way the JVM is asked to exit. Signals are
        // the process's: taken only when this command is the process, never inside a test or a host program.
        Thread hook = new Thread(() -> {
            metrics.ifPresent(MetricsListener::close);
            serve.close();
            stopped.countDown();
        }, "oauthmail-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean hangup = false;
        if (root.ownsProcess()) {
            Signals.onTerminate(stopped::countDown);
            hangup = Signals.onHangup(() -> {
                try {
                    serve.reload();
                } catch (RuntimeException e) {
                    // already said on stderr by the reload; the daemon goes on as it was
                }
            });
        }
        context.err().println("oauthmail serve: keeping " + serve.accountCount() + " account(s) fresh; status: oauthmail status"
                + " (socket " + serve.daemon().socket() + "); reload: oauthmail reload" + (hangup ? " or SIGHUP" : "")
                + "; stop with Ctrl-C or SIGTERM");
        context.err().flush();
        stopped.await();
        context.err().println("oauthmail serve: stopping");
        context.err().flush();
        metrics.ifPresent(MetricsListener::close);
        serve.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (the hook ran): nothing to undo
        }
        return ExitCodes.OK;
    }
}
