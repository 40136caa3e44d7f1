package io.oauthmail.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The loopback redirect target: an HTTP listener on 127.0.0.1 that takes exactly one authorization response,
 * shows the person a short page, and hands the query parameters to the waiting flow. A second request (a
 * replayed or forged redirect) is answered with an error and ignored.
 */
final class CallbackListener implements AutoCloseable {

    static final String PATH = "/oauthmail/callback";

    private final HttpServer server;
    private final CompletableFuture<Map<String, String>> response = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();

    private CallbackListener(HttpServer server) {
        this.server = server;
    }

    /** Listens on 127.0.0.1 at {@code port}, or on a free port when it is 0. */
    static CallbackListener start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 8);
        CallbackListener listener = new CallbackListener(server);
        server.createContext(PATH, listener::handle);
        server.createContext("/", exchange -> reply(exchange, 404, "Not found", "This address only takes oauthmail's login redirect."));
        server.start();
        return listener;
    }

    URI redirectUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    CompletableFuture<Map<String, String>> response() {
        return response;
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, "Not allowed", "Only the browser's redirect is accepted here.");
            return;
        }
        if (!answered.compareAndSet(false, true)) {
            reply(exchange, 409, "Already done", "This login has already been completed; this request was ignored.");
            return;
        }
        Map<String, String> parameters = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
        if (parameters.containsKey("error")) {
            reply(exchange, 200, "Login not completed",
                    "The provider answered: " + escape(parameters.get("error"))
                            + ". You can close this tab; the terminal says what to do next.");
        } else {
            reply(exchange, 200, "oauthmail is authorized",
                    "You can close this tab and go back to the terminal.");
        }
        response.complete(parameters);
    }

    private static void reply(HttpExchange exchange, int status, String title, String text) throws IOException {
        byte[] page = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>"
                + "<body style=\"font-family:sans-serif;margin:3em\"><h1>" + title + "</h1><p>" + text + "</p></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, page.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(page);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
