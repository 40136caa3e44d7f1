package io.oauthmail.sandbox;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The public face of the sandbox's OAuth server: a loopback HTTP/1.1 port that relays every request to
 * mock-oauth2-server, except that POSTs to the token endpoint go through {@link StrictTokenEndpoint} (faults,
 * reuse detection, the wire log).
 *
 * <p>The whole issuer is served here, not just the token endpoint: mock-oauth2-server builds its URLs (the
 * issuer in tokens, the discovery document's endpoints, redirects) from each request, and the front tells it
 * its own port in {@code X-Forwarded-Port}. So {@code iss}, discovery and every endpoint agree on this port,
 * and a client that follows discovery cannot go round the front.
 */
final class OAuthFront implements AutoCloseable {

    /** How long a kept-alive connection may sit idle between requests. */
    private static final int IDLE_MILLIS = (int) Duration.ofMinutes(1).toMillis();
    /** Headers about one hop, or that the JDK's client sets itself: never relayed. */
    private static final Set<String> NOT_RELAYED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings",
            "x-forwarded-port", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-for");

    private final ServerSocket listener;
    private final URI backend;
    private final String tokenPath;
    private final String revocationPath;
    private final StrictTokenEndpoint tokenEndpoint;
    private final HttpClient http;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private OAuthFront(ServerSocket listener, URI backend, String issuerPath, StrictTokenEndpoint tokenEndpoint) {
        this.listener = listener;
        this.backend = backend;
        this.tokenPath = issuerPath + "/token";
        this.revocationPath = issuerPath + "/revoke";
        this.tokenEndpoint = tokenEndpoint;
        this.threads = Loopback.daemonThreads("sandbox-oauth-front");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(threads)
                .build();
    }

    /**
     * Listens on a free loopback port and relays to {@code backend} (mock-oauth2-server's base URI);
     * {@code issuerPath} is the issuer's path there, e.g. {@code /sandbox}.
     */
    static OAuthFront start(URI backend, String issuerPath, StrictTokenEndpoint tokenEndpoint) throws IOException {
        OAuthFront front = new OAuthFront(Loopback.bind(new ServerSocket()), backend, issuerPath, tokenEndpoint);
        front.threads.execute(() -> Loopback.acceptLoop(front.listener, front.threads, front::serve));
        return front;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** One client connection: requests one after another while the client keeps it alive. */
    private void serve(Socket client) {
        open.add(client);
        try (client) {
            client.setTcpNoDelay(true);
            client.setSoTimeout(IDLE_MILLIS);
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            boolean more = true;
            while (more) {
                RawHttp.Request request;
                try {
                    request = RawHttp.read(in, out);
                } catch (RawHttp.BadRequest e) {
                    RawHttp.write(out, new RawHttp.Answer(e.status, List.of(),
                            (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8)), true);
                    return;
                }
                more = request != null && answer(request, out);
            }
        } catch (IOException e) {
            // the client went away, idled out, or the front is closing: nothing to answer
        } finally {
            open.remove(client);
        }
    }

    /** Answers one request; false when the connection must close now. */
    private boolean answer(RawHttp.Request request, OutputStream out) throws IOException {
        boolean close = !request.keepAlive();
        if ("POST".equals(request.method()) && tokenPath.equals(request.path())) {
            return tokenEndpoint.handle(request, this::forward, out, close) && !close;
        }
        if ("POST".equals(request.method()) && revocationPath.equals(request.path())) {
            tokenEndpoint.revoking(request);
        }
        RawHttp.write(out, forward(request), close);
        return !close;
    }

    /** Relays a request to mock-oauth2-server, telling it which port the client really used. */
    private RawHttp.Answer forward(RawHttp.Request request) throws IOException {
        HttpRequest.Builder relayed = HttpRequest.newBuilder(backend.resolve(request.target()))
                .timeout(Duration.ofMinutes(1))
                .method(request.method(), request.body().length == 0 && !"POST".equals(request.method())
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()))
                .header("X-Forwarded-Port", Integer.toString(port()));
        request.headers().forEach((name, values) -> {
            if (!NOT_RELAYED.contains(name)) {
                try {
                    values.forEach(value -> relayed.header(name, value));
                } catch (IllegalArgumentException restricted) {
                    // a header the JDK's client sets itself (Date, Via...): the OAuth server does not need it
                }
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(relayed.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while relaying to the OAuth server", e);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_RELAYED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> headers.add(Map.entry(name, value)));
            }
        });
        return new RawHttp.Answer(response.statusCode(), headers, response.body());
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing left to do with a socket that will not close
            }
        }
        threads.shutdownNow();
    }
}
