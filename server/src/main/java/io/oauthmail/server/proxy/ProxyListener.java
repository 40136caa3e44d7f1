package io.oauthmail.server.proxy;

import io.oauthmail.OAuthMailException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every proxy protocol shares: a loopback-only listener, a cap on connections (the next one is told
 * to come back later), and a thread per session.
 */
final class ProxyListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyListener.class);

    /** One client session; returns when it is over. */
    interface Session {
        void run(Socket client) throws IOException;

        /**
         * {@code session}, ended with {@code reply} (the protocol's error) when the client sends an over-long line:
         * the client learns why it was cut off instead of seeing the connection drop.
         */
        static Session refusingOverLongLines(String reply, Session session) {
            return client -> {
                try {
                    session.run(client);
                } catch (Lines.TooLong e) {
                    Lines.write(client.getOutputStream(), reply);
                    throw e;
                }
            };
        }
    }

    private final ServerSocket listener;
    private final ExecutorService threads;
    private final Semaphore slots;

    private ProxyListener(ServerSocket listener, int maxConnections, String name) {
        this.listener = listener;
        this.slots = new Semaphore(maxConnections);
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    static ProxyListener start(InetSocketAddress address, int maxConnections, String name, String busyLine, Session session)
            throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new OAuthMailException("the proxy listens on loopback only (asked for " + address + ")",
                    "use 127.0.0.1: serving other hosts needs local TLS, which oauthmail does not offer yet");
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(address, 50);
        ProxyListener listener = new ProxyListener(socket, maxConnections, name);
        listener.threads.execute(() -> listener.acceptLoop(busyLine, session));
        return listener;
    }

    int port() {
        return listener.getLocalPort();
    }

    ExecutorService threads() {
        return threads;
    }

    private void acceptLoop(String busyLine, Session session) {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (!slots.tryAcquire()) {
                    Lines.write(client.getOutputStream(), busyLine);
                    client.close();
                    continue;
                }
                threads.execute(() -> {
                    try (client) {
                        client.setTcpNoDelay(true);
                        session.run(client);
                    } catch (IOException e) {
                        LOG.debug("proxy session ended: {}", e.getMessage());
                    } finally {
                        slots.release();
                    }
                });
            } catch (IOException e) {
                // closed, or one accept failed: the loop condition decides
            }
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
