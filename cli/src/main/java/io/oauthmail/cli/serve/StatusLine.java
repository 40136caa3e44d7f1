package io.oauthmail.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.cli.queue.Amounts;
import java.io.IOException;

/**
 * One daemon status object as a line for a person: account, status, expiry, next refresh, message; or where the
 * daemon's web console is, for the object that names it; or the relay queue's counts, for the object with them.
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
            if (node.has("relay")) {
                return relay(node.path("relay"));
            }
            String message = node.path("message").isNull() ? "" : "  " + node.path("message").asText();
            return String.format("%-30s %-13s expires %-22s next refresh %-22s%s", node.path("account").asText(),
                    node.path("status").asText(), text(node, "expires_at"), text(node, "next_refresh"), message).stripTrailing();
        } catch (IOException e) {
            return json;
        }
    }

    /** {@code relay queue: 3 message(s), 1.2 KiB: 1 deferred, 2 held (a@x: oauthmail login ACCOUNT); oldest 5m old}. */
    private static String relay(JsonNode relay) {
        if (relay.has("error")) {
            return "relay queue: " + relay.path("error").asText();
        }
        long queued = relay.path("queued").asLong();
        if (queued == 0) {
            return "relay queue: empty";
        }
        java.util.List<String> held = new java.util.ArrayList<>();
        relay.path("held_accounts").forEach(account -> held.add(account.asText()));
        return "relay queue: " + queued + " message(s), " + Amounts.size(relay.path("bytes").asLong()) + ": "
                + relay.path("deferred").asLong() + " deferred, " + relay.path("held").asLong() + " held" + (held.isEmpty() ? "" : " (" + String.join(", ", held)
                + ": oauthmail login ACCOUNT)") + "; oldest "
                + Amounts.age(java.time.Duration.ofSeconds(relay.path("oldest_seconds").asLong())) + " old"
                + " (details: oauthmail queue)";
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isNull() || node.path(field).isMissingNode() ? "-" : node.path(field).asText();
    }
}
