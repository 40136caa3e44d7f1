package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends one request to a token endpoint exactly once, and says whether a failure happened before the request
 * could have reached the server or after.
 *
 * <p>Why not Nimbus's default sender: it buffers the body in {@code HttpURLConnection}, and the JDK then silently
 * sends a POST a second time when the connection drops before the answer (seen against a token endpoint that
 * accepted and never answered: two POSTs per attempt). For a refresh with rotation that second POST presents a
 * refresh token the first one may already have used, and a provider with reuse detection (Keycloak, Okta, Auth0)
 * then ends the whole session. The JDK never re-sends a request whose body is streamed, so the body goes out in
 * fixed-length streaming mode. Whether to try again is the caller's decision, made knowing
 * {@link AnswerLost#requestSent()}.
 *
 * <p>Two ways, because each has a flaw the other lacks. A refresh is streamed through {@code HttpURLConnection},
 * which reads the answer in the calling thread: {@code java.net.http} took some 19 ms in a fresh JVM (three
 * threads, many cold classes) between the answer's last byte and this code (crash harness, p50), and a rotated
 * refresh token is in danger for exactly that long. But a streamed request's 401 loses its body inside the JDK,
 * which matters where the error code is the diagnosis (a service account's {@code unauthorized_client}); for a
 * refresh a 401 can only be {@code invalid_client} (RFC 6749 5.2). Every other request (code exchange, device
 * flow, app grants) goes through {@code java.net.http}, which never re-sends a POST either and keeps every body.
 */
final class SendOnce {

    /** A failure to get an answer; {@link #requestSent()} tells whether the server may have acted on the request. */
    static final class AnswerLost extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean requestSent;

        AnswerLost(boolean requestSent, IOException cause) {
            super(cause.getMessage(), cause);
            this.requestSent = requestSent;
        }

        /** False when nothing can have reached the server (no connection): sending again is harmless. */
        boolean requestSent() {
            return requestSent;
        }

        /** The underlying failure, for a message. */
        IOException failure() {
            return (IOException) getCause();
        }
    }

    /** Headers {@code java.net.http} sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "host", "expect", "upgrade");

    private final Duration connectTimeout;
    private final Duration readTimeout;

    SendOnce(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * Sends {@code request} with this sender's timeouts; a refresh (its answer may carry the only copy of a rotated
     * refresh token) goes the fastest way from the answer to the caller, see the class comment.
     */
    HTTPResponse send(HTTPRequest request, boolean refresh) throws AnswerLost {
        try {
            HTTPRequestSender sender = this::throughHttpClient;
            if (refresh) {
                sender = this::streamed;
            }
            return request.send(sender);
        } catch (AnswerLost e) {
            throw e;
        } catch (IOException e) {
            throw new AnswerLost(false, e); // Nimbus's own checks before anything was sent
        }
    }

    /** A refresh: streamed, read in this thread. */
    private ReadOnlyHTTPResponse streamed(ReadOnlyHTTPRequest request) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) request.getURL().openConnection();
        connection.setConnectTimeout(millis(connectTimeout));
        connection.setReadTimeout(millis(readTimeout));
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(request.getMethod().name());
        for (Map.Entry<String, List<String>> header : request.getHeaderMap().entrySet()) {
            for (String value : header.getValue()) {
                connection.addRequestProperty(header.getKey(), value);
            }
        }
        byte[] body = request.getBody() == null ? null : request.getBody().getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length); // streamed: the JDK never sends it twice
        }
        try {
            connection.connect();
        } catch (IOException e) {
            connection.disconnect();
            throw new AnswerLost(false, e);
        }
        try {
            if (body != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            HTTPResponse response = new HTTPResponse(status);
            response.setStatusMessage(connection.getResponseMessage());
            for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
                if (header.getKey() != null && !header.getValue().isEmpty()) {
                    response.setHeader(header.getKey(), header.getValue().toArray(String[]::new));
                }
            }
            InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (stream != null) {
                try (InputStream in = stream) {
                    response.setBody(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } else if (status == 401) {
                // A streamed request's 401 with WWW-Authenticate loses its body inside the JDK (it would have to
                // send again to authenticate). RFC 6749 5.2: a 401 from a token endpoint is invalid_client.
                response.setHeader("Content-Type", "application/json");
                response.setBody("{\"error\":\"invalid_client\",\"error_description\":\"client authentication failed "
                        + "(HTTP 401)\"}");
            }
            return response;
        } catch (IOException e) {
            throw new AnswerLost(true, e);
        } finally {
            connection.disconnect();
        }
    }

    /** Any other request: through {@code java.net.http}, which never re-sends a POST and keeps every answer. */
    private ReadOnlyHTTPResponse throughHttpClient(ReadOnlyHTTPRequest request) throws IOException {
        // One client per request: no pooled connection a request could be sent on after the server closed it.
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpRequest.Builder http = HttpRequest.newBuilder(request.getURI()).timeout(connectTimeout.plus(readTimeout));
        for (Map.Entry<String, List<String>> header : request.getHeaderMap().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> http.header(header.getKey(), value));
            }
        }
        String body = request.getBody();
        http.method(request.getMethod().name(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> answer;
        try {
            answer = client.send(http.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new AnswerLost(false, e);
        } catch (IOException e) {
            throw new AnswerLost(true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnswerLost(true, new InterruptedIOException("interrupted while waiting for the answer"));
        }
        HTTPResponse response = new HTTPResponse(answer.statusCode());
        answer.headers().map().forEach((name, values) -> {
            if (!values.isEmpty() && !name.startsWith(":")) {
                response.setHeader(name, values.toArray(String[]::new));
            }
        });
        response.setBody(answer.body());
        return response;
    }

    private static int millis(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toMillis()));
    }
}
