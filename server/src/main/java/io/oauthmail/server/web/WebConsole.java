package io.oauthmail.server.web;

import io.oauthmail.account.Account;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.runtime.OAuthMailRuntime;
import io.oauthmail.token.LostGrants;
import io.oauthmail.token.TokenManager;
import io.oauthmail.web.WebConnect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * oauthmail's web console ({@code oauthmail serve --web 127.0.0.1:8025}, or {@code [web] listen}): the accounts and
 * their state, connecting and re-authorizing them in the browser ({@link WebConnect}), removing their tokens;
 * behind an admin password ({@code oauthmail web set-password}). Served by an embedded Jetty.
 *
 * <p>Loopback only, for now: the console holds mail access for every account, and plain HTTP beyond this machine
 * would carry its password and session in clear. A non-loopback address is refused with the way round (an SSH
 * tunnel) until the console serves TLS.
 */
public final class WebConsole implements AutoCloseable {

    private final Server server;
    private final URI url;

    private WebConsole(Server server, URI url) {
        this.server = server;
        this.url = url;
    }

    /**
     * Starts the console on {@code listen} ({@code HOST:PORT}; port 0 takes a free one), serving {@code accounts}
     * (asked anew on each page) from the runtime's store with {@code tokens}.
     *
     * @throws OAuthMailException for an address that is not HOST:PORT, not loopback, or taken
     */
    public static WebConsole start(String listen, OAuthMailRuntime runtime, Supplier<List<Account>> accounts,
            TokenManager tokens) {
        InetSocketAddress address = address(listen);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("oauthmail-web");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        server.addConnector(connector);
        LostGrants lostGrants = LostGrants.in(runtime.paths().stateDir());
        try {
            connector.open(); // binds now, so the console's own callback URL has the real port
            URI url = URI.create("http://" + hostForUrl(address.getAddress()) + ":" + connector.getLocalPort() + "/");
            WebConnect connect = new WebConnect(runtime.store(), lostGrants, tokens, runtime.clock(),
                    "connect the account again on the console's Accounts page (" + url + ")");
            server.setHandler(new ConsoleHandler(new ConsoleServices(accounts, runtime.store(), lostGrants, connect,
                    runtime.clock(), runtime.paths().stateDir(), runtime.paths().localPasswordsFile()), url, false));
            server.start();
            return new WebConsole(server, url);
        } catch (Exception e) {
            stopQuietly(server);
            throw new OAuthMailException("the web console cannot listen on " + listen + ": " + e.getMessage(),
                    "choose another port, e.g. --web 127.0.0.1:8026", e);
        }
    }

    /** {@code HOST:PORT} as a loopback socket address; anything else is refused with the way to reach it safely. */
    static InetSocketAddress address(String listen) {
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
        if (!host.isLoopbackAddress()) {
            throw new OAuthMailException("the web console listens on loopback only (" + listen + " is not): it does not"
                    + " serve TLS yet, and its password and session must not cross a network in clear",
                    "use --web 127.0.0.1:" + port + " and reach it from elsewhere through an SSH tunnel: ssh -L "
                            + port + ":127.0.0.1:" + port + " THIS-HOST");
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
