package io.oauthmail.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A token endpoint written by the test: a JDK HTTP server on 127.0.0.1 that hands each POSTed form to the
 * test's function, answers what it returns, and keeps every form it received, for checks a lenient server
 * (or a server that must never be reached) cannot make.
 */
public final class LocalTokenServer implements AutoCloseable {

    /** What the endpoint answers: a status and a JSON body. */
    public record Reply(int status, String json) {
        public static Reply tokens(String accessToken) {
            return new Reply(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":3599}");
        }

        public static Reply error(int status, String code) {
            return new Reply(status, "{\"error\":\"" + code + "\",\"error_description\":\"said the test\"}");
        }
    }

    private final HttpServer server;
    private final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();

    private LocalTokenServer(HttpServer server) {
        this.server = server;
    }

    public static LocalTokenServer start(Function<Map<String, String>, Reply> handler) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8);
            LocalTokenServer local = new LocalTokenServer(http);
            http.createContext("/token", exchange -> local.handle(exchange, handler));
            http.start();
            return local;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** The forms received so far, in order. */
    public List<Map<String, String>> forms() {
        return List.copyOf(forms);
    }

    private void handle(HttpExchange exchange, Function<Map<String, String>, Reply> handler) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        form.put(":method", exchange.getRequestMethod());
        forms.add(form);
        Reply reply = handler.apply(form);
        byte[] body = reply.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
