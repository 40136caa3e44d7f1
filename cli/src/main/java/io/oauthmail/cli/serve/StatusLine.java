package io.oauthmail.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One daemon status object as a line for a person: account, status, expiry, next refresh, message; or where the
 * daemon's web console is, for the object that names it.
 */
final class StatusLine {

    private StatusLine() {
    }

    static String format(String json) {
        try {
            JsonNode node = new ObjectMapper().readTree(json);
            if (node.has("web_console")) {
                return "web console: " + node.path("web_console").asText();
            }
            String message = node.path("message").isNull() ? "" : "  " + node.path("message").asText();
            return String.format("%-30s %-13s expires %-22s next refresh %-22s%s", node.path("account").asText(),
                    node.path("status").asText(), text(node, "expires_at"), text(node, "next_refresh"), message).stripTrailing();
        } catch (IOException e) {
            return json;
        }
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isNull() || node.path(field).isMissingNode() ? "-" : node.path(field).asText();
    }
}
