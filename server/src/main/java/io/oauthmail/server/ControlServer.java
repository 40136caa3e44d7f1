package io.oauthmail.server;

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
import java.util.function.Supplier;

/**
 * The daemon's control socket: a Unix domain socket in an owner-only folder of the state directory, so only
 * the same user can reach it (file permissions, no secret to leak). One request line, one answer:
 * {@code STATUS} gives one JSON object per account and an empty line.
 */
public final class ControlServer implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel channel;
    private final Thread acceptor;

    private ControlServer(Path socket, ServerSocketChannel channel, Supplier<String> status) {
        this.socket = socket;
        this.channel = channel;
        this.acceptor = new Thread(() -> serve(status), "oauthmail-control");
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code socket}; its folder is made owner-only. A stale socket file is replaced. */
    public static ControlServer start(Path socket, Supplier<String> status) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        ControlServer server = new ControlServer(socket, channel, status);
        server.acceptor.start();
        return server;
    }

    public Path socket() {
        return socket;
    }

    private void serve(Supplier<String> status) {
        while (channel.isOpen()) {
            try (SocketChannel client = channel.accept()) {
                String request = readLine(client);
                String answer = "STATUS".equals(request) ? status.get() + "\n" : "ERR unknown request\n";
                client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                // a client went away, or the channel was closed: the loop condition decides
            }
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        StringBuilder line = new StringBuilder();
        while (client.read(buffer) > 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                char c = (char) buffer.get();
                if (c == '\n') {
                    return line.toString().strip();
                }
                if (line.length() < 200) {
                    line.append(c);
                }
            }
            buffer.clear();
        }
        return line.toString().strip();
    }

    /** Asks a running daemon for its status; empty string if none answers at {@code socket}. */
    public static String query(Path socket, String request) throws IOException {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            client.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            client.shutdownOutput();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (client.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
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
    }
}
