package io.oauthmail.sandbox;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The person at the browser, automated: it opens the authorization URL, sees the sandbox's login page, logs
 * in as the given user approving the requested scopes, and follows the redirect back to the application
 * (oauthmail's loopback listener), exactly as a browser would. Everything goes over real HTTP.
 */
public final class SandboxBrowser {

    /** What the browser saw at the end: the redirect it followed and the page the application answered. */
    public record Visit(URI redirectedTo, int finalStatus, String finalPage) {
    }

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Logs {@code user} in at {@code authorizationUrl}, approves, and follows the redirect to the application. */
    public Visit approve(URI authorizationUrl, String user) {
        return open(login(authorizationUrl, user));
    }

    /**
     * Logs {@code user} in at {@code authorizationUrl} and approves the requested scopes, but does not follow
     * the redirect: returns where the browser would go next (the application's redirect URI with code and state).
     */
    public URI login(URI authorizationUrl, String user) {
        return login(authorizationUrl, user, Map.of());
    }

    /**
     * Like {@link #login(URI, String)}, the login page also submitting {@code claims} (e.g. {@code email_verified},
     * or a wrong {@code aud}), which mock-oauth2-server puts into the ID token and the access token.
     */
    public URI login(URI authorizationUrl, String user, Map<String, Object> claims) {
        try {
            HttpResponse<String> loginPage = send(HttpRequest.newBuilder(authorizationUrl).GET());
            if (loginPage.statusCode() != 200 || !loginPage.body().contains("<form")) {
                throw new IllegalStateException("expected the sandbox login page at the authorization URL, got HTTP "
                        + loginPage.statusCode());
            }
            String scope = queryParameters(authorizationUrl).getOrDefault("scope", "");
            Map<String, Object> submitted = new LinkedHashMap<>(Map.of("email", user, "scope", scope));
            submitted.putAll(claims);
            String form = "username=" + encode(user) + "&claims=" + encode(JSONObjectUtils.toJSONString(submitted));
            HttpResponse<String> approved = send(HttpRequest.newBuilder(authorizationUrl)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            return URI.create(approved.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                    "the sandbox login did not redirect back to the application (HTTP " + approved.statusCode() + ")")));
        } catch (IOException e) {
            throw new IllegalStateException("the sandbox browser could not complete the login: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the sandbox login", e);
        }
    }

    /**
     * Opens a device's verification URI (plain or {@code verification_uri_complete}), enters {@code userCode},
     * logs in as {@code user} and allows access, as a person with a phone would (RFC 8628 3.3).
     */
    public Visit approveDevice(URI verificationUri, String userCode, String user) {
        return decideDevice(verificationUri, "user_code=" + encode(userCode) + "&username=" + encode(user)
                + "&action=approve");
    }

    /** Opens a device's verification URI, enters {@code userCode} and denies access. */
    public Visit denyDevice(URI verificationUri, String userCode) {
        return decideDevice(verificationUri, "user_code=" + encode(userCode) + "&action=deny");
    }

    private Visit decideDevice(URI verificationUri, String form) {
        try {
            HttpResponse<String> page = send(HttpRequest.newBuilder(verificationUri).GET());
            if (page.statusCode() != 200 || !page.body().contains("<form")) {
                throw new IllegalStateException("expected the sandbox device page at the verification URI, got HTTP "
                        + page.statusCode());
            }
            // The form posts back to the page itself, without the query of verification_uri_complete.
            URI target = URI.create(verificationUri.getScheme() + "://" + verificationUri.getRawAuthority()
                    + verificationUri.getRawPath());
            HttpResponse<String> answer = send(HttpRequest.newBuilder(target)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            return new Visit(target, answer.statusCode(), answer.body());
        } catch (IOException e) {
            throw new IllegalStateException("the sandbox browser could not open the device page: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted on the device page", e);
        }
    }

    /** Opens {@code url} as-is (e.g. a forged or replayed redirect) and returns what the application answered. */
    public Visit open(URI url) {
        try {
            HttpResponse<String> page = send(HttpRequest.newBuilder(url).GET());
            return new Visit(url, page.statusCode(), page.body());
        } catch (IOException e) {
            throw new IllegalStateException("the sandbox browser could not open " + url.getHost() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> queryParameters(URI uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return parameters;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
