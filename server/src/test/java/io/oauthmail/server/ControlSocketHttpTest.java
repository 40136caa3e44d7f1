package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket's HTTP as Jetty serves it: what clients other than {@link ControlClient} may send (malformed
 * requests, silent connections, no Host header), and the socket file's life (modes, a stale file, a slow answer).
 */
@Timeout(30) // a server that never closes a connection would otherwise hang the raw reads below
class ControlSocketHttpTest {

    private static final TokenSet TOKEN = new TokenSet("the-access-token", Instant.parse("2030-01-01T00:00:00Z"), null,
            null, List.of(), null);

    @TempDir
    Path dir;

    @Test
    void aMalformedRequestGets400InPlainTextAndAnUnknownPath404() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        try (ControlServer server = ControlServer.start(socket, new OneTokenAnswers("me", TOKEN))) {
            String garbage = raw(socket, "GARBAGE\r\n\r\n");
            assertThat(garbage).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Content-Type: text/plain")
                    .doesNotContain("<html").doesNotContain("\tat ");
            assertThat(raw(socket, "GET /token/%zz HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 400 ");

            String unknown = raw(socket, "GET /shutdown HTTP/1.0\r\n\r\n");
            assertThat(unknown).startsWith("HTTP/1.1 404 ").contains("Content-Type: text/plain; charset=utf-8")
                    .endsWith("\r\n\r\nunknown path /shutdown (try /status, /token/ACCOUNT or /metrics)\n");
            assertThat(raw(socket, "DELETE /status HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 405 ")
                    .endsWith("only GET is served, and POST /reload\n");
        }
    }

    @Test
    void theTokenAnswerIsTheSameWithOrWithoutAHostHeader() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        try (ControlServer server = ControlServer.start(socket, new OneTokenAnswers("a+b@example.com", TOKEN))) {
            for (String request : List.of("GET /token/a+b%40example.com HTTP/1.0\r\n\r\n",
                    "GET /token/a+b@example.com HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")) {
                assertThat(raw(socket, request)).as(request).startsWith("HTTP/1.1 200 ")
                        .contains("Content-Type: text/plain; charset=utf-8\r\n").contains("Cache-Control: no-store\r\n")
                        .contains("Expires-At: 2030-01-01T00:00:00Z\r\n").endsWith("\r\n\r\nthe-access-token\n");
            }
        }
    }

    @Test
    void silentClientsDoNotHoldUpOthers() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        List<SocketChannel> silent = new ArrayList<>();
        try (ControlServer server = ControlServer.start(socket, new OneTokenAnswers("me", TOKEN))) {
            // More than the server's threads: each sends half a request, or nothing, and then waits.
            for (int i = 0; i < 12; i++) {
                SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                if (i % 2 == 0) {
                    channel.write(ByteBuffer.wrap("GET /sta".getBytes(StandardCharsets.ISO_8859_1)));
                }
                silent.add(channel);
            }
            ControlClient client = new ControlClient(socket);
            CompletableFuture<Optional<TokenSet>> token = CompletableFuture.supplyAsync(() -> client.token("me"));
            assertThat(token.get(5, TimeUnit.SECONDS)).map(TokenSet::accessToken).contains("the-access-token");
        } finally {
            for (SocketChannel channel : silent) {
                channel.close();
            }
        }
    }

    @Test
    void aTokenWaitingOnItsRefreshOutlivesTheIdleTimeoutWhileStatusStillAnswers() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        CountDownLatch refreshed = new CountDownLatch(1);
        try (ControlServer server = ControlServer.start(socket, new ControlServer.Answers() {
            @Override
            public String status() {
                return "{\"account\":\"me\",\"status\":\"refreshing\"}";
            }

            @Override
            public Optional<TokenSet> token(String account) {
                try {
                    refreshed.await(10, TimeUnit.SECONDS); // a slow token endpoint
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.of(TOKEN);
            }

            @Override
            public String reload() {
                return "";
            }
        }, Duration.ofMillis(300))) {
            ControlClient client = new ControlClient(socket);
            CompletableFuture<Optional<TokenSet>> token = CompletableFuture.supplyAsync(() -> client.token("me"));
            assertThat(client.status()).as("status while a token waits").contains("refreshing");
            Thread.sleep(1000); // over three idle timeouts with no byte on the token's connection
            assertThat(token).isNotDone();
            refreshed.countDown();
            assertThat(token.get(5, TimeUnit.SECONDS)).map(TokenSet::accessToken).contains("the-access-token");
        }
    }

    @Test
    void aStaleSocketIsReplacedTheFolderMadeOwnerOnlyAndTheSocketRemovedAtTheEnd() throws Exception {
        Path socket = dir.resolve("run/serve.sock");
        Files.createDirectories(socket.getParent());
        Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        // What a killed daemon leaves: a socket file nobody listens on any more.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        try (ControlServer server = ControlServer.start(socket, new OneTokenAnswers("me", TOKEN))) {
            assertThat(new ControlClient(socket).token("me")).map(TokenSet::accessToken).contains("the-access-token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        }
        assertThat(socket).doesNotExist();
    }

    /** One request as bytes, the whole answer back (the server closes: HTTP/1.0, or Connection: close). */
    private static String raw(Path socket, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
