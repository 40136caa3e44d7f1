package io.oauthmail.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A person's browser towards the console: its own cookie jar, redirects followed by the test, the last page's CSRF token. */
final class ConsoleBrowser {

    private final URI base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private String csrf;

    ConsoleBrowser(URI base) {
        this.base = base;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(base.resolve(path));
    }

    HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return remember(http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    /** POSTs a form of name/value pairs. */
    HttpResponse<String> post(String path, String... pairs) throws IOException, InterruptedException {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            form.append(form.length() == 0 ? "" : "&").append(enc(pairs[i])).append('=').append(enc(pairs[i + 1]));
        }
        return remember(http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Where {@code path} redirects to (it must redirect). */
    URI redirect(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        return URI.create(response.headers().firstValue("Location").orElseThrow());
    }

    String csrf() {
        return csrf;
    }

    /** Changes one character of the session cookie, as someone guessing or forging one would. */
    void tamperCookie() {
        for (HttpCookie cookie : cookies.getCookieStore().getCookies()) {
            String value = cookie.getValue();
            cookie.setValue((value.charAt(0) == 'A' ? "B" : "A") + value.substring(1));
        }
    }

    private HttpResponse<String> remember(HttpResponse<String> response) {
        Matcher matcher = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(response.body());
        if (matcher.find()) {
            csrf = matcher.group(1);
        }
        return response;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
