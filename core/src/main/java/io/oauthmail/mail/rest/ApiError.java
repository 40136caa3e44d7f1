package io.oauthmail.mail.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * The error a REST API put in its answer, read from the shape both APIs share: Gmail's
 * {@code {"error":{"code":400,"message":"...","status":"INVALID_ARGUMENT","errors":[{"reason":"..."}]}}} and
 * Graph's {@code {"error":{"code":"ErrorMimeContentInvalidBase64String","message":"..."}}}.
 *
 * @param code    Gmail's {@code status} or Graph's textual {@code code}; empty if none
 * @param message the API's message; empty if none
 * @param reason  Gmail's first {@code errors[].reason} (e.g. {@code userRateLimitExceeded}); empty if none
 */
record ApiError(String code, String message, String reason) {

    /** Error texts are shown to people: one line, and short (a proxy's HTML page is not shown at all). */
    private static final int MAX_TEXT = 300;

    static ApiError of(HttpResponse<String> response, ObjectMapper json) {
        JsonNode error;
        try {
            error = json.readTree(response.body() == null ? "" : response.body()).path("error");
        } catch (IOException notJson) {
            error = null;
        }
        if (error == null || !error.isObject()) {
            String type = response.headers().firstValue("Content-Type").orElse("no content type");
            return new ApiError("", "a reply that is not an API error (" + oneLine(type) + ")", "");
        }
        String code = error.path("status").isTextual() ? error.path("status").asText()
                : error.path("code").isTextual() ? error.path("code").asText() : "";
        return new ApiError(oneLine(code), oneLine(error.path("message").asText("")),
                oneLine(error.path("errors").path(0).path("reason").asText("")));
    }

    /** Gmail answers some quota errors with 403 instead of 429 ({@code rateLimitExceeded}, {@code userRateLimitExceeded}). */
    boolean isRateLimit() {
        return reason.toLowerCase(Locale.ROOT).endsWith("ratelimitexceeded");
    }

    /** Gmail: the API is not enabled for the OAuth client's Cloud project. */
    boolean isApiDisabled() {
        return reason.equals("accessNotConfigured") || message.contains("has not been used in project")
                || message.contains("is disabled");
    }

    /** e.g. {@code INVALID_ARGUMENT: Invalid To header}. */
    String describe() {
        return code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message;
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= MAX_TEXT ? flat : flat.substring(0, MAX_TEXT) + "...";
    }
}
