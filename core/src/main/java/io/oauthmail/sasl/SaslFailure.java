package io.oauthmail.sasl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's SASL failure challenge, decoded: Gmail answers a bad XOAUTH2 or OAUTHBEARER token with
 * base64 JSON such as {@code {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}} in a
 * {@code 334} (SMTP) or {@code +} (IMAP, POP3) line. This turns that line into words a person can act on.
 */
public record SaslFailure(String status, String schemes, String scope) {

    private static final Pattern CHALLENGE = Pattern.compile("^(?:334|\\+)\\s+([A-Za-z0-9+/=]{8,})\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Decodes a server line such as {@code 334 eyJzdGF0dXMiOi...}; empty if it is not such a challenge. */
    public static Optional<SaslFailure> decode(String serverLine) {
        if (serverLine == null) {
            return Optional.empty();
        }
        Matcher m = CHALLENGE.matcher(serverLine.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return fromJson(new String(Base64.getDecoder().decode(m.group(1)), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Decodes the JSON of a challenge that the SASL layer already took out of base64. */
    public static Optional<SaslFailure> fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject() || !node.has("status")) {
                return Optional.empty();
            }
            return Optional.of(new SaslFailure(node.path("status").asText(), text(node, "schemes"), text(node, "scope")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What the challenge means, e.g. "the token is invalid, expired or revoked (it must carry scope ...)". */
    public String diagnosis() {
        String needs = scope == null ? "" : "; the server wants a token with scope " + scope;
        return switch (status) {
            case "400", "invalid_request" -> "the server could not read the authentication request" + needs;
            case "401", "invalid_token" -> "the token is invalid, expired or revoked, or belongs to another user" + needs;
            case "403", "insufficient_scope" -> "the token lacks the scope the server requires" + needs;
            default -> "the server refused the token (status " + status + ")" + needs;
        };
    }

    @Override
    public String toString() {
        return "{status=" + status + (schemes != null ? ", schemes=" + schemes : "")
                + (scope != null ? ", scope=" + scope : "") + "}";
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
