package io.oauthmail.oauth;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPRequest;
import com.nimbusds.oauth2.sdk.http.ReadOnlyHTTPResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
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
 * <p>Why not Nimbus's default sender: it uses {@code HttpURLConnection}, which silently sends a POST a second
 * time when the connection drops before the answer (seen against a token endpoint that accepted and never
 * answered: two POSTs per attempt). For a refresh with rotation that second POST presents a refresh token the
 * first one may already have used, and a provider with reuse detection (Keycloak, Okta, Auth0) then ends the
 * whole session. Streaming the body stops that re-send, but then a 401 with {@code WWW-Authenticate} loses its
 * OAuth error body. The JDK's {@code java.net.http} client never re-sends a POST by itself and keeps every
 * answer, so it is used, with a fresh client per request. Whether to try again is the caller's decision, made
 * knowing {@link AnswerLost#requestSent()}.
 */
final class SendOnce implements HTTPRequestSender {

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

    /** Sends {@code request} with this sender's timeouts. */
    HTTPResponse send(HTTPRequest request) throws AnswerLost {
        try {
            return request.send(this);
        } catch (AnswerLost e) {
            throw e;
        } catch (IOException e) {
            throw new AnswerLost(false, e); // Nimbus's own checks before anything was sent
        }
    }

    @Override
    public ReadOnlyHTTPResponse send(ReadOnlyHTTPRequest request) throws IOException {
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
}
