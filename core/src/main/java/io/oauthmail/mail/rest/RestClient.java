package io.oauthmail.mail.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.token.RetryPolicy;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * POSTs a message to one REST API with a bearer token and turns every answer into a result or a classified
 * failure: 429 and 5xx (and Gmail's 403 rate limits) are {@link TemporaryFailure}s, retried by the policy;
 * a 401 gets one forced refresh and one more try; anything else is a {@link MailFailure} that shows the API's
 * own error message and, for a refused token, the scope to grant and the login to run. The token, the message
 * and the Authorization header never appear in a failure.
 */
final class RestClient {

    /** Sending a large message takes time: the timeout grows by a second for each 512 KiB sent (35 MB: +70 s). */
    private static final long BYTES_PER_EXTRA_SECOND = 512 * 1024;

    private final RestApi api;
    private final Duration timeout;
    private final Retrying retrying;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    RestClient(RestApi api, Duration timeout, RetryPolicy retry, Sleeper sleeper) {
        this.api = api;
        this.timeout = timeout;
        this.retrying = new Retrying(retry, sleeper);
        // No redirects: a redirect would carry the bearer token to wherever it points.
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    ObjectMapper json() {
        return json;
    }

    /**
     * POSTs {@code body} to {@code uri} as {@code account} and returns the successful (2xx) answer. Temporary
     * failures are retried; a 401 refreshes the token once through {@code tokens} and tries once more.
     */
    HttpResponse<String> post(Account account, TokenSource tokens, URI uri, String contentType, byte[] body) {
        String token = tokens.token(account);
        HttpResponse<String> response = retrying.run(() -> exchange(account, request(uri, contentType, body, token)));
        if (response.statusCode() == 401) {
            // The token may have been revoked or expired early: one refresh. A second 401 is a real refusal.
            String fresh = tokens.afterRejection(account, token);
            response = retrying.run(() -> exchange(account, request(uri, contentType, body, fresh)));
        }
        if (response.statusCode() / 100 == 2) {
            return response;
        }
        throw failure(account, response);
    }

    private HttpRequest request(URI uri, String contentType, byte[] body, String token) {
        return HttpRequest.newBuilder(uri)
                .timeout(timeout.plusSeconds(body.length / BYTES_PER_EXTRA_SECOND))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** One request; temporary answers and failures to connect are thrown as {@link TemporaryFailure} for a retry. */
    private HttpResponse<String> exchange(Account account, HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            // Nothing was sent: safe to try again.
            throw new TemporaryFailure(prefix(account) + api.name() + " could not be reached (" + e.getClass().getSimpleName()
                    + ")", "check the network; the message was not sent", e);
        } catch (HttpTimeoutException e) {
            // The message went out but no answer came: retrying could send it twice, so this is not retried.
            throw new MailFailure(prefix(account) + api.name() + " did not answer within " + request.timeout().orElse(timeout)
                    .toSeconds() + " s", "the message may have been sent: look in the Sent folder before sending it again", e);
        } catch (IOException e) {
            throw new MailFailure(prefix(account) + "the connection to " + api.name() + " failed (" + e.getClass().getSimpleName()
                    + ")", "the message may have been sent: look in the Sent folder before sending it again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailFailure(prefix(account) + "interrupted while sending through " + api.name(),
                    "the message may have been sent: look in the Sent folder before sending it again", e);
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500 || (status == 403 && ApiError.of(response, json).isRateLimit())) {
            Duration retryAfter = retryAfter(response);
            throw new TemporaryFailure(prefix(account) + api.name() + " answered HTTP " + status + " "
                    + ApiError.of(response, json).describe()
                    + (retryAfter != null ? " (retry after " + retryAfter.toSeconds() + " s)" : ""),
                    "this is usually temporary: try again later", null, retryAfter);
        }
        return response;
    }

    private MailFailure failure(Account account, HttpResponse<String> response) {
        int status = response.statusCode();
        ApiError error = ApiError.of(response, json);
        String what = prefix(account) + api.name() + " answered HTTP " + status + " " + error.describe();
        return switch (status) {
            case 400 -> new MailFailure(prefix(account) + api.name() + " refused the message: HTTP 400 " + error.describe(),
                    "check the message's addresses and headers", null);
            case 401 -> new MailFailure(what + ", also with a freshly refreshed token", api.permissionHint(account), null);
            case 403 -> new MailFailure(what, error.isApiDisabled()
                    ? "enable the API for the OAuth client's project (Google Cloud console, APIs & Services, Gmail API)"
                    : api.permissionHint(account), null);
            case 413 -> new MailFailure(prefix(account) + api.name() + " refused the message as too large: HTTP 413 "
                    + error.describe(), "make the attachments smaller, or send it over SMTP", null);
            default -> new MailFailure(what, null, null);
        };
    }

    private static String prefix(Account account) {
        return "account " + account.name() + ": ";
    }

    /** {@code Retry-After} in seconds; the HTTP-date form is treated as absent (the policy's backoff applies). */
    private static Duration retryAfter(HttpResponse<String> response) {
        try {
            return response.headers().firstValue("Retry-After").map(String::trim).map(Long::parseLong)
                    .filter(seconds -> seconds >= 0).map(Duration::ofSeconds).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
