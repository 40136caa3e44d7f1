package io.oauthmail.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** What the sandbox's hand-written fronts share: a free loopback port, daemon threads, and the accept loop. */
final class Loopback {

    private Loopback() {
    }

    /** Binds {@code socket} to a free port on the loopback interface. */
    static <S extends ServerSocket> S bind(S socket) throws IOException {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    /** A pool of daemon threads, so a sandbox a test forgot to close never keeps the JVM alive. */
    static ExecutorService daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Accepts connections until {@code listener} closes, serving each on its own thread. */
    static void acceptLoop(ServerSocket listener, ExecutorService threads, Consumer<Socket> serve) {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> serve.accept(client));
            } catch (IOException | RejectedExecutionException e) {
                // the listener or the pool was closed, or one accept failed: the loop condition decides
            }
        }
    }
}
