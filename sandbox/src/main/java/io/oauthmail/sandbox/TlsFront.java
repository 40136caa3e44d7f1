package io.oauthmail.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An implicit-TLS port in front of one of GreenMail's plain loopback ports: it accepts TLS with the sandbox's
 * own certificate and relays the decrypted bytes both ways.
 *
 * <p>Why not GreenMail's own SMTPS/IMAPS/POP3S? GreenMail builds its TLS server sockets from one JVM-wide
 * singleton that reads its keystore from system properties once, so two sandboxes in one JVM (every test
 * suite) could never each present a certificate from their own CA. This front keeps the CA per sandbox and
 * leaves GreenMail's protocol code (XOAUTH2 included) untouched.
 */
final class TlsFront implements AutoCloseable {

    /**
     * Watches one relayed session and may end it with last words of the server's own (see {@link ImapTokenExpiry}).
     * Called on the two relay threads of the session; {@link #toClient} writes what goes to the client itself.
     */
    interface Tap {
        /** Bytes from the client, before they go upstream; false to hold them back. */
        boolean fromClient(byte[] bytes, int length) throws IOException;

        /** Bytes from the server: writes them (or as many as it lets through) to the client and flushes. */
        void toClient(byte[] bytes, int length) throws IOException;

        /** The session is over. */
        void closed();
    }

    /** Makes the tap of a new session, given the client's output and what ends the session; null for none. */
    interface Taps {
        Tap open(OutputStream client, Runnable hangUp) throws IOException;
    }

    private final SSLServerSocket listener;
    private final int upstreamPort;
    private final ExecutorService pumps;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Taps taps;

    private TlsFront(SSLServerSocket listener, int upstreamPort, String name, Taps taps) {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
        this.pumps = Loopback.daemonThreads(name);
        this.taps = taps;
    }

    /** Listens on a free loopback port and relays to {@code 127.0.0.1:upstreamPort}. */
    static TlsFront start(SSLContext serverContext, int upstreamPort, String name) throws IOException {
        return start(serverContext, upstreamPort, name, (client, hangUp) -> null);
    }

    /** The same, with a tap on every session that {@code taps} gives one to. */
    static TlsFront start(SSLContext serverContext, int upstreamPort, String name, Taps taps) throws IOException {
        ServerSocket socket = Loopback.bind(serverContext.getServerSocketFactory().createServerSocket());
        TlsFront front = new TlsFront((SSLServerSocket) socket, upstreamPort, name, taps);
        front.pumps.execute(() -> Loopback.acceptLoop(front.listener, front.pumps, front::connect));
        return front;
    }

    int port() {
        return listener.getLocalPort();
    }

    private void connect(Socket client) {
        try {
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            // Small protocol lines must not wait for Nagle's algorithm in either direction.
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            open.add(client);
            open.add(upstream);
            Tap tap = taps.open(client.getOutputStream(), () -> {
                closeQuietly(client);
                closeQuietly(upstream);
            });
            if (tap == null) {
                pumps.execute(() -> pump(client, upstream, null));
                pump(upstream, client, null);
            } else {
                pumps.execute(() -> pump(client, upstream, tap::fromClient));
                pump(upstream, client, (bytes, n) -> {
                    tap.toClient(bytes, n);
                    return false; // written by the tap
                });
                tap.closed();
            }
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** What a pump does with each read: false if the bytes are not to be written on (taken care of, or held). */
    private interface Filter {
        boolean pass(byte[] bytes, int length) throws IOException;
    }

    private void pump(Socket from, Socket to, Filter filter) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (filter == null || filter.pass(buffer, n)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side went away: close both below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do with a socket that will not close
        }
    }

    /** Closes every session relayed so far, both ends; the number of client sessions it ended. */
    int dropSessions() {
        int clients = 0;
        for (Socket socket : open) {
            if (socket instanceof SSLSocket) {
                clients++;
            }
            closeQuietly(socket);
        }
        return clients;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
        pumps.shutdownNow();
    }
}
