package io.oauthmail.mail.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A REST API written by the test: a JDK HTTP server on 127.0.0.1 that records every request whole and answers
 * like the real API would. A request whose bearer token is not the accepted one gets the API's 401; otherwise
 * the scripted replies are used up first, then {@code success} answers.
 */
final class FakeRestApi implements AutoCloseable {

    /** One request as it arrived; header names are lower case. */
    record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.size() != 1 ? null : values.get(0);
        }
    }

    /** One answer; {@code retryAfter} may be null. */
    record Reply(int status, String contentType, String body, String retryAfter) {
        static Reply json(int status, String body) {
            return new Reply(status, "application/json; charset=UTF-8", body, null);
        }

        static Reply empty(int status) {
            return new Reply(status, null, "", null);
        }
    }

    private final HttpServer server;
    private final Reply unauthorized;
    private final Reply success;
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String accepted;

    private FakeRestApi(HttpServer server, Reply unauthorized, Reply success) {
        this.server = server;
        this.unauthorized = unauthorized;
        this.success = success;
    }

    static FakeRestApi start(Reply unauthorized, Reply success, String acceptedToken) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
            FakeRestApi api = new FakeRestApi(http, unauthorized, success);
            api.accepted = acceptedToken;
            http.createContext("/", api::handle);
            http.start();
            return api;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** From now on only {@code token} is accepted. */
    void accept(String token) {
        accepted = token;
    }

    /** Replies used, in order, for the next requests that carry the accepted token. */
    void then(Reply... replies) {
        script.addAll(List.of(replies));
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                new ArrayList<>(values)));
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers, exchange.getRequestBody().readAllBytes());
        requests.add(request);
        Reply reply = !("Bearer " + accepted).equals(request.header("authorization")) ? unauthorized
                : script.isEmpty() ? success : script.poll();
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        if (reply.retryAfter() != null) {
            exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
        }
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
