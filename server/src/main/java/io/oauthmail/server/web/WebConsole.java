package io.oauthmail.server.web;

import io.oauthmail.account.Account;
import io.oauthmail.config.ConfigReader;
import io.oauthmail.config.WebSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.server.proxy.LocalCertificate;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import io.oauthmail.web.WebConnect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * oauthmail's web console ({@code oauthmail serve --web 127.0.0.1:8025}, or {@code [web] listen}): the accounts and
 * their state, connecting and re-authorizing them in the browser ({@link WebConnect}), removing their tokens;
 * behind an admin password ({@code oauthmail web set-password}) and/or a sign-in with an OpenID Connect provider
 * and an allow-list ({@code [web] oidc_issuer}, {@code OidcSignIn}). Served by an embedded Jetty.
 *
 * <p>The console holds mail access for every account, and plain HTTP beyond this machine would carry its password
 * and session in clear: an address beyond loopback needs TLS ({@code tls}: the proxy's certificate machinery, a
 * self-signed certificate kept in the state folder's {@code web-tls}, or the user's PEM files), and is refused
 * without it, naming the two ways round (TLS, or loopback and an SSH tunnel). Under TLS the cookie is Secure.
 */
public final class WebConsole implements AutoCloseable {

    private final Server server;
    private final URI url;
    private final LocalCertificate certificate;

    private WebConsole(Server server, URI url, LocalCertificate certificate) {
        this.server = server;
        this.url = url;
        this.certificate = certificate;
    }

    private static LocalCertificate certificate(WebSettings settings, InetSocketAddress address, OAuthMailRuntime runtime) {
        if (settings.tlsCert().isPresent()) {
            return LocalCertificate.load(settings.tlsCert().get(), settings.tlsKey().orElseThrow());
        }
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getAddress().getHostAddress();
        return LocalCertificate.generated(runtime.paths().stateDir().resolve("web-tls"), List.of(host), runtime.clock());
    }

    private static SslContextFactory.Server sslContext(LocalCertificate certificate) {
        // The key store lives only in memory: its password protects nothing on disk, so a random one will do.
        char[] password = java.util.UUID.randomUUID().toString().toCharArray();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(certificate.keyStore(password));
        ssl.setKeyStorePassword(new String(password));
        return ssl;
    }

    /** The certificate the console presents under TLS (its file and SHA-256, to trust or pin), if it serves TLS. */
    public Optional<String> certificate() {
        return Optional.ofNullable(certificate).map(LocalCertificate::toString);
    }

    /**
     * Starts the console on {@code listen} ({@code HOST:PORT}; port 0 takes a free one), serving {@code accounts}
     * (asked anew on each page) from the runtime's store with {@code tokens}.
     *
     * @throws OAuthMailException for an address that is not HOST:PORT, not loopback, or taken
     */
    public static WebConsole start(WebSettings settings, OAuthMailRuntime runtime, Supplier<List<Account>> accounts,
            TokenManager tokens) {
        return start(settings, runtime, accounts, tokens, runtime::configChanged);
    }

    /**
     * Like {@link #start(WebSettings, OAuthMailRuntime, Supplier, TokenManager)}; {@code reload} runs after the
     * console added an account to the config file (the daemon's reload, so {@code accounts} and its status have it).
     */
    public static WebConsole start(WebSettings settings, OAuthMailRuntime runtime, Supplier<List<Account>> accounts,
            TokenManager tokens, Runnable reload) {
        return start(settings, runtime, accounts, tokens, reload, () -> { });
    }

    /**
     * Like {@link #start(WebSettings, OAuthMailRuntime, Supplier, TokenManager, Runnable)}; {@code connected} runs
     * after the console stored an account's tokens (the daemon's refresher looks again, so its status shows it).
     */
    public static WebConsole start(WebSettings settings, OAuthMailRuntime runtime, Supplier<List<Account>> accounts,
            TokenManager tokens, Runnable reload, Runnable connected) {
        String listen = settings.listen().orElseThrow(() -> new IllegalArgumentException("no address to listen on"));
        InetSocketAddress address = address(listen, settings.tls());
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("oauthmail-web");
        Server server = new Server(threads);
        LocalCertificate certificate = settings.tls() ? certificate(settings, address, runtime) : null;
        ServerConnector connector = certificate == null ? new ServerConnector(server, 1, 1)
                : new ServerConnector(server, 1, 1, sslContext(certificate));
        connector.setHost(address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        server.addConnector(connector);
        LostGrants lostGrants = LostGrants.in(runtime.paths().stateDir());
        try {
            connector.open(); // binds now, so the console's own callback URL has the real port
            URI url = URI.create((certificate == null ? "http://" : "https://") + hostForUrl(address.getAddress()) + ":"
                    + connector.getLocalPort() + "/");
            WebConnect connect = new WebConnect(runtime.store(), lostGrants, tokens, runtime.clock(),
                    "connect the account again on the console's Accounts page (" + url + ")");
            ConsoleServices services = new ConsoleServices(accounts, runtime.store(), lostGrants, connect,
                    new MailSessions(tokens, java.time.Duration.ofSeconds(20)), runtime.clock(), runtime.paths(),
                    () -> ConfigReader.read(runtime.paths()), reload, connected);
            server.setHandler(new ConsoleHandler(services, url, certificate != null, settings.signIn()));
            server.start();
            return new WebConsole(server, url, certificate);
        } catch (Exception e) {
            stopQuietly(server);
            throw new OAuthMailException("the web console cannot listen on " + listen + ": " + e.getMessage(),
                    "choose another port, e.g. --web 127.0.0.1:8026", e);
        }
    }

    /** {@code HOST:PORT} as a socket address, loopback unless {@code tls}; else refused with the ways round. */
    static InetSocketAddress address(String listen, boolean tls) {
        int colon = listen == null ? -1 : listen.lastIndexOf(':');
        InetAddress host;
        int port;
        try {
            host = InetAddress.getByName(listen.substring(0, Math.max(colon, 0)).replaceAll("^\\[|\\]$", ""));
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (UnknownHostException | RuntimeException e) {
            throw new OAuthMailException("the web console takes HOST:PORT, not '" + listen + "'", "e.g. --web 127.0.0.1:8025");
        }
        if (colon < 1 || port < 0 || port > 65_535) {
            throw new OAuthMailException("the web console takes HOST:PORT, not '" + listen + "'", "e.g. --web 127.0.0.1:8025");
        }
        if (!host.isLoopbackAddress() && !tls) {
            throw new OAuthMailException("the web console listens beyond loopback (" + listen + ") only with TLS: its"
                    + " password and session must not cross a network in clear",
                    "add --web-tls (or [web] tls = true, or tls_cert and tls_key), or use --web 127.0.0.1:" + port
                            + " and an SSH tunnel: ssh -L " + port + ":127.0.0.1:" + port + " THIS-HOST");
        }
        return new InetSocketAddress(host, port);
    }

    /** Where a browser on this machine opens the console, e.g. {@code http://127.0.0.1:8025/}. */
    public URI url() {
        return url;
    }

    @Override
    public void close() {
        stopQuietly(server);
    }

    private static String hostForUrl(InetAddress host) {
        String literal = host.getHostAddress();
        return literal.contains(":") ? "[" + literal + "]" : literal;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to do about a listener that would not close
        }
    }
}
