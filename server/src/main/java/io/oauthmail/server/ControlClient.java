package io.oauthmail.server;

import io.oauthmail.account.TokenSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Asks a running {@code oauthmail serve} over its control socket. It runs on the start-up path of
 * {@code oauthmail token}, so it stays small and uses no lambdas (see {@code io.oauthmail.cli.Main}).
 *
 * <p>One HTTP/1.0 request and the answer read to the end, by hand: the JDK's HTTP client cannot reach a Unix
 * socket, and Jetty's client with its Unix-socket transport would add jars to the CLI and their start-up to every
 * {@code oauthmail token} to send one line. The server side is Jetty ({@code ControlServer}), which closes the
 * connection after an HTTP/1.0 answer and serves a request without a Host header as for localhost.
 */
public final class ControlClient {

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /** The daemon's answer: an HTTP status code and the body; {@code expiresAt} from the header, if sent. */
    public record Answer(int code, String body, Instant expiresAt) {
    }

    /** The daemon's status, one JSON object per account and line. @throws IOException if no daemon answers */
    public String status() throws IOException {
        Answer answer = get("/status");
        if (answer.code() != 200) {
            throw new IOException("the daemon answered " + answer.code() + ": " + answer.body().strip());
        }
        return answer.body();
    }

    /**
     * A valid token from the daemon, or empty when no daemon runs here, it does not serve the account, or it
     * could not get a token (the caller then goes to the store, which explains any problem itself). Only the
     * access token and its expiry come back: the refresh token never leaves the daemon.
     */
    public Optional<TokenSet> token(String account) {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            // URLEncoder writes a form ('+' for a space); a path wants %20.
            Answer answer = get("/token/" + URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20"));
            String token = answer.body().strip();
            if (answer.code() != 200 || answer.expiresAt() == null || token.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new TokenSet(token, answer.expiresAt(), null, null, List.of(), null));
        } catch (IOException e) {
            return Optional.empty(); // a stale socket file, a daemon that is stopping: the store answers instead
        }
    }

    /** Asks the daemon to re-read its configuration; returns its answer. @throws IOException if no daemon answers */
    public Answer reload() throws IOException {
        return request("POST", "/reload");
    }

    /** One {@code GET} on the control socket. */
    public Answer get(String path) throws IOException {
        return request("GET", path);
    }

    /**
     * One request on the control socket ({@code GET}, {@code POST}, {@code DELETE}), its answer's body as text.
     * @throws IOException if no daemon answers
     */
    public Answer request(String method, String path) throws IOException {
        return parse(exchange(method, path).toString(StandardCharsets.UTF_8));
    }

    /**
     * A {@code GET} whose body is bytes as they are (a queued message's content: not text in any one charset).
     * @throws IOException if no daemon answers, or it answers other than 200 (its text then is the message)
     */
    public byte[] bytes(String path) throws IOException {
        byte[] response = exchange("GET", path).toByteArray();
        int headEnd = 0;
        while (headEnd + 3 < response.length && !(response[headEnd] == '\r' && response[headEnd + 1] == '\n'
                && response[headEnd + 2] == '\r' && response[headEnd + 3] == '\n')) {
            headEnd++;
        }
        Answer head = parse(new String(response, 0, Math.min(response.length, headEnd + 4), StandardCharsets.ISO_8859_1));
        byte[] body = java.util.Arrays.copyOfRange(response, Math.min(response.length, headEnd + 4), response.length);
        if (head.code() != 200) {
            throw new IOException("the daemon answered " + head.code() + ": " + new String(body, StandardCharsets.UTF_8).strip());
        }
        return body;
    }

    private ByteArrayOutputStream exchange(String method, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((method + " " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return bytes;
        }
    }

    private static Answer parse(String response) throws IOException {
        int headEnd = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.") || headEnd < 0) {
            throw new IOException("not an answer from oauthmail serve");
        }
        String[] lines = response.substring(0, headEnd).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        Instant expiresAt = null;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].regionMatches(true, 0, "Expires-At:", 0, "Expires-At:".length())) {
                try {
                    expiresAt = Instant.parse(lines[i].substring("Expires-At:".length()).strip());
                } catch (DateTimeParseException e) {
                    throw new IOException("a malformed Expires-At from oauthmail serve");
                }
            }
        }
        try {
            return new Answer(Integer.parseInt(status[1]), response.substring(headEnd + 4), expiresAt);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IOException("not an answer from oauthmail serve");
        }
    }
}
