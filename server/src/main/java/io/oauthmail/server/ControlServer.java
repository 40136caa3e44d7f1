package io.oauthmail.server;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket: a Unix domain socket in an owner-only folder of the state directory, so only
 * the same user can reach it (file permissions, no secret to leak). It speaks a small subset of HTTP/1.0:
 * {@code GET /status} (one JSON object per account, no tokens), {@code GET /token/ACCOUNT} (the access
 * token, refreshed first if due, with its expiry in an {@code Expires-At} header), {@code GET /metrics} (the
 * Prometheus text format) and {@code POST /reload} (re-read the configuration).
 *
 * <p>HTTP by hand, on purpose: the JDK's HTTP server cannot listen on a Unix socket, and HTTP is what lets
 * the launcher fetch a token with {@code curl --unix-socket} in a few milliseconds instead of starting a JVM.
 * Requests are one line and a few headers from the same user, so the subset is small and bounded.
 */
final class ControlServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    private static final int MAX_REQUEST = 8192;

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
    }

    private final Path socket;
    private final ServerSocketChannel channel;
    private final Answers answers;
    // A few threads: a token request may wait on a refresh, which must not hold up `oauthmail status`.
    private final ExecutorService threads = Executors.newFixedThreadPool(4, task -> {
        Thread thread = new Thread(task, "oauthmail-control");
        thread.setDaemon(true);
        return thread;
    });

    private ControlServer(Path socket, ServerSocketChannel channel, Answers answers) {
        this.socket = socket;
        this.channel = channel;
        this.answers = answers;
    }

    /** Listens on {@code socket}; its folder is made owner-only. A stale socket file is replaced. */
    public static ControlServer start(Path socket, Answers answers) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        ControlServer server = new ControlServer(socket, channel, answers);
        Thread acceptor = new Thread(server::acceptLoop, "oauthmail-control-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                threads.execute(() -> answer(client));
            } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                // a client went away, or the server is closing: the loop condition decides
            }
        }
    }

    private void answer(SocketChannel client) {
        try (client) {
            Reply reply = reply(readRequestLine(client));
            client.write(ByteBuffer.wrap(reply.bytes()));
        } catch (IOException e) {
            LOG.debug("control client went away: {}", e.getMessage());
        }
    }

    private Reply reply(String requestLine) {
        String[] parts = requestLine == null ? new String[0] : requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            return Reply.text(400, "Bad Request", "expected an HTTP/1.x request line\n");
        }
        String path = parts[1];
        if (path.equals("/reload")) {
            if (!parts[0].equals("POST")) {
                return Reply.text(405, "Method Not Allowed", "reload with POST /reload\n");
            }
            try {
                return Reply.text(200, "OK", answers.reload() + "\n");
            } catch (OAuthMailException e) {
                // a broken config file: the running configuration stays, and the person is told why
                return Reply.text(422, "Unprocessable Entity", e.getMessage() + e.hint().map(hint -> "\n" + hint).orElse("") + "\n");
            }
        }
        if (!parts[0].equals("GET")) {
            return Reply.text(405, "Method Not Allowed", "only GET is served, and POST /reload\n");
        }
        if (path.equals("/metrics")) {
            return answers.metrics().map(text -> new Reply(200, "OK", io.oauthmail.server.ops.DaemonMetrics.CONTENT_TYPE, null, text))
                    .orElseGet(() -> Reply.text(404, "Not Found", "this daemon keeps no metrics\n"));
        }
        if (path.equals("/status")) {
            return new Reply(200, "OK", "application/x-ndjson", null, answers.status() + "\n");
        }
        if (path.startsWith("/token/") && path.length() > "/token/".length()) {
            String account;
            try {
                // A path, not a form: '+' is itself (curl sends it raw), only %XX is decoded.
                account = URLDecoder.decode(path.substring("/token/".length()).replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Reply.text(400, "Bad Request", "the account name is not URL-encoded properly\n");
            }
            try {
                Optional<TokenSet> tokens = answers.token(account);
                if (tokens.isEmpty()) {
                    return Reply.text(404, "Not Found", "oauthmail serve does not serve an account named " + account + "\n");
                }
                return new Reply(200, "OK", "text/plain; charset=utf-8", tokens.get().expiresAt().toString(),
                        tokens.get().accessToken() + "\n");
            } catch (OAuthMailException e) {
                // The message and hint name the account and the fix; they never carry a token. The status tells the
                // launcher which exit code to give (410: log in again, 3; 503: temporary, 4), so it need not ask twice.
                String text = e.getMessage() + e.hint().map(hint -> "\n  " + hint).orElse("") + "\n";
                if (e instanceof io.oauthmail.error.ReauthorizationRequired) {
                    return Reply.text(410, "Gone", text);
                }
                return Reply.text(e instanceof io.oauthmail.error.TemporaryFailure ? 503 : 500,
                        e instanceof io.oauthmail.error.TemporaryFailure ? "Service Unavailable" : "Internal Server Error", text);
            }
        }
        return Reply.text(404, "Not Found", "unknown path " + path + " (try /status, /token/ACCOUNT or /metrics)\n");
    }

    /** The request line; the headers that follow it are read and ignored, up to {@link #MAX_REQUEST} bytes. */
    private static String readRequestLine(SocketChannel client) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (request.size() < MAX_REQUEST && client.read(buffer) > 0) {
            request.write(buffer.array(), 0, buffer.position());
            buffer.clear();
            String text = request.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n") || text.contains("\n\n")) {
                break;
            }
        }
        String text = request.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        return end < 0 ? null : text.substring(0, end).strip();
    }

    /** One answer; {@code expiresAt} is sent as the {@code Expires-At} header when present. */
    private record Reply(int code, String reason, String contentType, String expiresAt, String body) {

        static Reply text(int code, String reason, String body) {
            return new Reply(code, reason, "text/plain; charset=utf-8", null, body);
        }

        byte[] bytes() {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.0 " + code + " " + reason + "\r\n"
                    + "Content-Type: " + contentType + "\r\n"
                    + "Content-Length: " + content.length + "\r\n"
                    + "Cache-Control: no-store\r\n"
                    + (expiresAt == null ? "" : "Expires-At: " + expiresAt + "\r\n")
                    + "Connection: close\r\n\r\n";
            byte[] header = head.getBytes(StandardCharsets.ISO_8859_1);
            return ByteBuffer.allocate(header.length + content.length).put(header).put(content).array();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
