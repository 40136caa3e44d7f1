package io.oauthmail.server;

import io.oauthmail.account.TokenSet;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.server.ops.DaemonMetrics;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The control socket's routes, on Jetty's core {@link Handler} API: {@code GET /status}, {@code GET /token/ACCOUNT},
 * {@code GET /metrics}, {@code POST /reload}, and the relay queue's ({@link QueueRoutes}). The status codes, bodies and content types are a contract: the launcher
 * reads 200/410/503 from {@code /token/ACCOUNT} to choose its exit code, and {@link ControlClient} reads the same.
 * Blocking (the default {@link Handler.Abstract}): a token request may wait on a refresh, on a pool thread of its own.
 */
final class ControlHandler extends Handler.Abstract {

    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String TOKEN = "/token/";

    private final ControlServer.Answers answers;
    private final QueueRoutes queue;

    ControlHandler(ControlServer.Answers answers) {
        this.answers = answers;
        this.queue = new QueueRoutes(answers::relayQueue, java.time.Clock.systemUTC());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        // The raw path, not Jetty's decoded one: the account name is decoded below by the socket's own rule.
        Reply reply = reply(request.getMethod(), request.getHttpURI().getPath());
        byte[] body = reply.body();
        response.setStatus(reply.code());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (reply.expiresAt() != null) {
            response.getHeaders().put("Expires-At", reply.expiresAt());
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private Reply reply(String method, String path) {
        if (QueueRoutes.matches(path)) {
            return queue.reply(method, path);
        }
        if (path.equals("/reload")) {
            if (!method.equals("POST")) {
                return Reply.text(405, "reload with POST /reload\n");
            }
            try {
                return Reply.text(200, answers.reload() + "\n");
            } catch (OAuthMailException e) {
                // a broken config file: the running configuration stays, and the person is told why
                return Reply.text(422, e.getMessage() + e.hint().map(hint -> "\n" + hint).orElse("") + "\n");
            }
        }
        if (!method.equals("GET")) {
            return Reply.text(405, "only GET is served, and POST /reload\n");
        }
        if (path.equals("/metrics")) {
            return answers.metrics().map(text -> new Reply(200, DaemonMetrics.CONTENT_TYPE, null, utf8(text)))
                    .orElseGet(() -> Reply.text(404, "this daemon keeps no metrics\n"));
        }
        if (path.equals("/status")) {
            return Reply.json(200, answers.status() + "\n");
        }
        if (path.startsWith(TOKEN) && path.length() > TOKEN.length()) {
            return token(path.substring(TOKEN.length()));
        }
        return Reply.text(404, "unknown path " + path + " (try /status, /token/ACCOUNT or /metrics)\n");
    }

    private Reply token(String encoded) {
        String account;
        try {
            // A path, not a form: '+' is itself (curl sends it raw), only %XX is decoded.
            account = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Reply.text(400, "the account name is not URL-encoded properly\n");
        }
        try {
            Optional<TokenSet> tokens = answers.token(account);
            if (tokens.isEmpty()) {
                return Reply.text(404, "oauthmail serve does not serve an account named " + account + "\n");
            }
            return new Reply(200, TEXT, tokens.get().expiresAt().toString(), utf8(tokens.get().accessToken() + "\n"));
        } catch (OAuthMailException e) {
            // The message and hint name the account and the fix; they never carry a token. The status tells the
            // launcher which exit code to give (410: log in again, 3; 503: temporary, 4), so it need not ask twice.
            String text = e.getMessage() + e.hint().map(hint -> "\n  " + hint).orElse("") + "\n";
            if (e instanceof ReauthorizationRequired) {
                return Reply.text(410, text);
            }
            return Reply.text(e instanceof TemporaryFailure ? 503 : 500, text);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** One answer; {@code expiresAt} is sent as the {@code Expires-At} header when present. */
    record Reply(int code, String contentType, String expiresAt, byte[] body) {

        static Reply text(int code, String body) {
            return new Reply(code, TEXT, null, utf8(body));
        }

        /** One JSON object per line. */
        static Reply json(int code, String lines) {
            return new Reply(code, "application/x-ndjson", null, utf8(lines));
        }
    }
}
