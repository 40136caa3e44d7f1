package io.oauthmail.cli.serve;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.server.Serve;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
            "  oauthmail serve --log-format json --metrics 127.0.0.1:9464",
            "  oauthmail serve --web 127.0.0.1:8025   # the web console; first: oauthmail web set-password"})
public final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @picocli.CommandLine.Option(names = "--listen", paramLabel = "PROTOCOL=HOST:PORT",
            description = {"Run the proxy for clients without OAuth, e.g. smtp=127.0.0.1:1587, imap=127.0.0.1:1143 or "
                    + "pop=127.0.0.1:1110 (repeatable), serving every account by its login name, or the relay that queues "
                    + "mail before delivering it, relay=127.0.0.1:2525. Clients log in as the account "
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

    @picocli.CommandLine.Option(names = "--web", paramLabel = "HOST:PORT",
            description = "Also run the web console on this loopback address, e.g. 127.0.0.1:8025: accounts and their "
                    + "state, connect, re-authorize, remove. Log in with the password of oauthmail web set-password, "
                    + "or sign in with the provider of [web] oidc_issuer. Config: [web] listen.")
    String web;

    @picocli.CommandLine.Option(names = "--web-tls",
            description = "Serve the web console over HTTPS (a self-signed certificate kept in the state folder, whose path "
                    + "and SHA-256 are printed; your own: [web] tls_cert and tls_key). Needed beyond 127.0.0.1.")
    boolean webTls;

    @picocli.CommandLine.Mixin
    OpsOptions ops = new OpsOptions();

    @Override
    public Integer call() throws Exception {
        CliContext context = root.context();
        List<ListenerSettings> fromFlags = ListenFlags.read(listen, tls.toString(), tlsCert, tlsKey, maxConnections);
        ops.applyLogging(context);
        try (Serve serve = Serve.start(context.runtime(), fromFlags, new io.oauthmail.config.WebSettings(
                java.util.Optional.ofNullable(web), webTls, java.util.Optional.empty(), java.util.Optional.empty()), context.err());
                AutoCloseable metrics = ops.startMetrics(serve.metrics(), context.err())) {
            serve.runUntilStopped(root.ownsProcess());
        }
        return ExitCodes.OK;
    }
}
