package io.oauthmail.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP relay in front of a token endpoint that notes, per request, the {@code System.nanoTime()} at
 * which the answer's last byte was handed to the client's socket. nanoTime is CLOCK_MONOTONIC on Linux, so the
 * figure compares with the times a child process prints: that is how the crash bench knows whether a kill landed
 * before or after the answer, and how long the child took from answer to durable tokens. Bodies (tokens) are
 * relayed, never kept or printed.
 */
final class TimingRelay implements AutoCloseable {

    /** One relayed request: when it arrived, when its answer was written (0 if writing failed), the status. */
    record Exchange(long arrivedNanos, long answeredNanos, int status) {
    }

    private final HttpServer server;
    private final URI upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Exchange> exchanges = new ArrayList<>();
    private int active;
    private long lastArrived; // of the latest exchange since drain(), 0 if none yet
    private long lastAnswered;

    TimingRelay(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::relay);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "relay");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** The exchanges since the last call, and forgets them. */
    synchronized List<Exchange> drain() {
        List<Exchange> out = List.copyOf(exchanges);
        exchanges.clear();
        lastArrived = 0;
        lastAnswered = 0;
        return out;
    }

    /**
     * Waits until a request has arrived (or, with {@code answer}, its answer has been written) since the last
     * {@link #drain()}, and returns when; 0 if {@code child} ended first or nothing came within 30 s.
     */
    synchronized long await(boolean answer, Process child) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((answer ? lastAnswered : lastArrived) == 0) {
            if (!child.isAlive() || System.nanoTime() > giveUp) {
                return 0;
            }
            wait(2);
        }
        return answer ? lastAnswered : lastArrived;
    }

    /**
     * Waits until no exchange is under way. A request the killed child sent whole may reach the handler only
     * after the kill; a short grace lets it start, since it can still rotate the refresh token.
     */
    synchronized void awaitIdle() throws InterruptedException {
        wait(20);
        while (active > 0) {
            wait();
        }
    }

    private void relay(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        synchronized (this) {
            active++;
            lastArrived = arrived;
            notifyAll();
        }
        int status = 0;
        long answered = 0;
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            HttpRequest.Builder forward = HttpRequest.newBuilder(upstream)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (type != null) {
                forward.header("Content-Type", type);
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                forward.header("Authorization", authorization);
            }
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            status = answer.statusCode();
            answer.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().set("Content-Type", t));
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            } // closing flushes the last byte to the socket
            answered = System.nanoTime();
            synchronized (this) {
                lastAnswered = answered;
                notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client died before its answer could be written: recorded with answeredNanos 0
        } finally {
            synchronized (this) {
                exchanges.add(new Exchange(arrived, answered, status));
                active--;
                notifyAll();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
