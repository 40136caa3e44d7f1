package io.oauthmail.server;

import io.oauthmail.account.TokenSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.HostPort;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The daemon's control socket: a Unix domain socket in an owner-only folder of the state directory, so only
 * the same user can reach it (file permissions, no secret to leak). It speaks HTTP: {@code GET /status} (one JSON
 * object per account, no tokens), {@code GET /token/ACCOUNT} (the access token, refreshed first if due, with its
 * expiry in an {@code Expires-At} header), {@code GET /metrics} (the Prometheus text format) and
 * {@code POST /reload} (re-read the configuration) and the relay queue's {@code /queue} routes; the routes are
 * {@link ControlHandler}'s.
 *
 * <p>HTTP is what lets the launcher fetch a token with {@code curl --unix-socket} in a few milliseconds instead of
 * starting a JVM; Jetty (already the web console's server) parses it, on its {@link UnixDomainServerConnector}.
 *
 * <p>A {@link Server} of its own, not a second connector on the web console's: the socket runs in every daemon from
 * its first moment (the console is optional and starts later, from {@link Serve}), and it must stay answering while
 * the console is busy or stopped, so sharing would couple two lifecycles and two thread budgets to save one small
 * thread pool. The cost is a few idle threads.
 */
final class ControlServer implements AutoCloseable {

    // 1 acceptor + 1 selector + 4 request threads (as many as the hand-written server had): a token request may
    // wait on a refresh, which must not hold up `oauthmail status`. A client that sends nothing holds no thread.
    private static final int THREADS = 6;
    // Reclaims the connections of clients that went silent. It never cuts an answer short: Jetty ignores an idle
    // timeout while the handler still works (a token request waiting on its refresh), as a test checks.
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final Path socket;
    private final Server server;

    private ControlServer(Path socket, Server server) {
        this.socket = socket;
        this.server = server;
    }

    /** What the daemon answers with. */
    public interface Answers {

        /** One JSON object per account and line; never a token. */
        String status();

        /** A valid token for the account (refreshed first if due); empty if the daemon does not serve it. */
        Optional<TokenSet> token(String account);

        /** Re-reads the configuration and applies it; returns what was done, for the person who asked. */
        String reload();

        /** The daemon's metrics in the Prometheus text format; empty where none are kept. */
        default Optional<String> metrics() {
            return Optional.empty();
        }

        /** The relay's queue, while a relay listener runs ({@code oauthmail queue}); empty otherwise. */
        default Optional<io.oauthmail.server.relay.RelayQueue> relayQueue() {
            return Optional.empty();
        }
    }

    /**
     * Listens on {@code socket}; its folder is made owner-only, the socket itself owner read-write. A stale socket
     * file is replaced: a live daemon's is never reached here, since {@link DaemonLock} stops a second daemon first.
     */
    public static ControlServer start(Path socket, Answers answers) throws IOException {
        return start(socket, answers, IDLE_TIMEOUT);
    }

    static ControlServer start(Path socket, Answers answers, Duration idleTimeout) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(socket);

        QueuedThreadPool threads = new QueuedThreadPool(THREADS, 1, 60_000, 0, null, null);
        threads.setName("oauthmail-control");
        threads.setDaemon(true);
        Server server = new Server(threads, new ScheduledExecutorScheduler("oauthmail-control-timer", true), null);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // A socket has no host name to fall back on: requests without a Host header (ControlClient's HTTP/1.0, a
        // hand-typed one) would get 400 from Jetty. They are served as for localhost, as curl names it.
        http.setServerAuthority(new HostPort("localhost"));
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setUnixDomainPath(socket);
        connector.setIdleTimeout(idleTimeout.toMillis());
        server.addConnector(connector);
        server.setHandler(new ControlHandler(answers));
        // Jetty's own refusals (a malformed request, a bad %-encoding): plain text like every other answer here,
        // not an HTML page, and never a stack trace.
        ErrorHandler errors = new ErrorHandler();
        errors.setDefaultResponseMimeType("text/plain");
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        server.setErrorHandler(errors);
        try {
            server.start();
            // The folder already keeps others out; the socket's own mode says the same to whoever looks.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (Exception e) {
            stop(server, socket);
            throw e instanceof IOException io ? io : new IOException("the control socket " + socket + " cannot start: "
                    + e.getMessage(), e);
        }
        return new ControlServer(socket, server);
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        stop(server, socket);
    }

    private static void stop(Server server, Path socket) {
        try {
            server.stop(); // the connector removes its socket file
            Files.deleteIfExists(socket); // and should it not have (a failed start), so does this
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
