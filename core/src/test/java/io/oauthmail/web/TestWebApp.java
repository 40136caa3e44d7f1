package io.oauthmail.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.oauthmail.account.Account;
import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A web application as small as a servlet, on a real HTTP server with cookie sessions, whose handlers call
 * {@link WebConnect}: {@code /connect} redirects to the provider, {@code /callback} completes (400 with the
 * message on failure), {@code /check} redirects to re-authorization when needed.
 */
final class TestWebApp implements AutoCloseable {

    private final HttpServer server;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    TestWebApp(Account account, WebConnect web) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/connect", exchange -> respond(exchange,
                () -> redirect(exchange, web.connect(account, uri("/callback"), session(exchange)), "")));
        server.createContext("/callback", exchange -> respond(exchange, () -> {
            Connected connected = web.callback(session(exchange), exchange.getRequestURI().getRawQuery());
            String text = "connected " + connected.account() + " as " + connected.email() + ", refresh token "
                    + connected.refreshToken();
            if (connected.sendUserTo().isPresent()) {
                redirect(exchange, connected.sendUserTo().get(), text);
            } else {
                send(exchange, 200, text);
            }
        }));
        server.createContext("/check", exchange -> respond(exchange, () -> {
            AccountCheck check = web.check(account, uri("/callback"), session(exchange));
            if (check.needsReauthorization()) {
                redirect(exchange, check.reauthorizeAt(), check.state() + ": " + check.reason());
            } else {
                send(exchange, 200, check.state().word());
            }
        }));
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The session of the request's cookie, or a new one with its cookie set. */
    private String session(HttpExchange exchange) {
        String cookie = exchange.getRequestHeaders().getFirst("Cookie");
        if (cookie != null) {
            for (String part : cookie.split(";\\s*")) {
                if (part.startsWith("SID=") && sessions.contains(part.substring(4))) {
                    return part.substring(4);
                }
            }
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        String session = HexFormat.of().formatHex(id);
        sessions.add(session);
        exchange.getResponseHeaders().add("Set-Cookie", "SID=" + session + "; Path=/; HttpOnly; SameSite=Lax");
        return session;
    }

    private interface Handler {
        void handle() throws IOException;
    }

    private static void respond(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            try {
                handler.handle();
            } catch (OAuthMailException e) {
                send(exchange, 400, e.messageWithHint());
            }
        }
    }

    private static void redirect(HttpExchange exchange, URI to, String text) throws IOException {
        exchange.getResponseHeaders().add("Location", to.toString());
        send(exchange, 302, text);
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
