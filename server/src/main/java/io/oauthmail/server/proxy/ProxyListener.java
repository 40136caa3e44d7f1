package io.oauthmail.server.proxy;

import io.oauthmail.OAuthMailException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every proxy protocol shares: a listener (loopback only unless it has local TLS), TLS from the first byte
 * for implicit-TLS listeners, a cap on connections (the next one is told to come back later), and a thread per
 * session.
 */
final class ProxyListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyListener.class);

    /** One client session; returns when it is over. */
    interface Session {
        void run(ClientConnection client) throws IOException;

        /**
         * {@code session}, ended with the protocol's own farewell when the client sends an over-long line
         * ({@code longLine}) or says nothing for too long before logging in ({@code idle}): the client learns why
         * it was cut off instead of seeing the connection drop.
         */
        static Session withFarewells(String longLine, String idle, Session session) {
            return client -> {
                try {
                    session.run(client);
                } catch (Lines.TooLong e) {
                    farewell(client, longLine);
                    throw e;
                } catch (SocketTimeoutException e) {
                    farewell(client, idle);
                    throw e;
                }
            };
        }

        private static void farewell(ClientConnection client, String line) {
            try {
                Lines.write(client.out(), line);
            } catch (IOException e) {
                // the client is gone, or its TLS handshake never finished: nothing to tell
            }
        }
    }

    private static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;
    /** Silence allowed before a login: five minutes, as RFC 5321 gives a server waiting for a command. */
    static final Duration IDLE_BEFORE_LOGIN = Duration.ofMinutes(5);

    private final ServerSocket listener;
    private final ExecutorService threads;
    private final Semaphore slots;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final CountDownLatch acceptLoopEnded = new CountDownLatch(1);

    private ProxyListener(ServerSocket listener, int maxConnections, String name) {
        this.listener = listener;
        this.slots = new Semaphore(maxConnections);
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    static ProxyListener start(ListenerOptions options, String threadName, String busyLine, Session session)
            throws IOException {
        InetSocketAddress address = options.address();
        if (!address.getAddress().isLoopbackAddress() && options.tls().mode() == LocalTls.Mode.NONE) {
            throw new OAuthMailException(options.name() + ": listening on " + address.getAddress().getHostAddress()
                    + " without TLS would send passwords and mail across the network in the clear",
                    "give it local TLS (tls = \"starttls\" or \"implicit\" in the config, --tls starttls with --listen),"
                            + " or listen on 127.0.0.1");
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(address, 50);
        ProxyListener listener = new ProxyListener(socket, options.maxConnections(), threadName);
        listener.threads.execute(() -> listener.acceptLoop(options.tls(), busyLine, session));
        return listener;
    }

    int port() {
        return listener.getLocalPort();
    }

    ExecutorService threads() {
        return threads;
    }

    private void acceptLoop(LocalTls tls, String busyLine, Session session) {
        try {
            accept(tls, busyLine, session);
        } finally {
            acceptLoopEnded.countDown();
        }
    }

    private void accept(LocalTls tls, String busyLine, Session session) {
        boolean implicit = tls.mode() == LocalTls.Mode.IMPLICIT;
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (!slots.tryAcquire()) {
                    if (!implicit) { // a TLS client would read a plain line as a broken record: just close
                        Lines.write(client.getOutputStream(), busyLine);
                    }
                    client.close();
                    continue;
                }
                clients.add(client);
                threads.execute(() -> {
                    try (client) {
                        client.setTcpNoDelay(true);
                        client.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS); // the session sets its own once it starts
                        try (ClientConnection connection = new ClientConnection(implicit ? tls.secure(client) : client, tls)) {
                            session.run(connection);
                        }
                    } catch (IOException e) {
                        LOG.debug("proxy session ended: {}", e.getMessage());
                    } finally {
                        clients.remove(client);
                        slots.release();
                    }
                });
            } catch (IOException e) {
                // closed, or one accept failed: the loop condition decides
            }
        }
    }

    /**
     * Takes no new clients; the sessions already open go on until they end (a reload keeps them). Returns once
     * the port is free: a thread blocked in accept holds the socket open in the kernel until it has woken up,
     * and a reload binds the same port right after.
     */
    void stopAccepting() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptLoopEnded.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes no new clients and ends every open session: they see the connection close (a stop). */
    @Override
    public void close() {
        stopAccepting();
        for (Socket client : clients) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
