package io.oauthmail.server.relay;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A spooled message's metadata file ({@code ID.json}): the envelope, size and delivery state, never the content.
 * Leases are not written: one daemon owns a spool, and a lease ends with the process that held it.
 */
final class SpoolRecord {

    private static final int VERSION = 1;

    private final ObjectMapper json;

    SpoolRecord(ObjectMapper json) {
        this.json = json;
    }

    byte[] write(Entry entry) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("version", VERSION);
        node.put("id", entry.id().value());
        Envelope envelope = entry.envelope();
        node.put("account", envelope.account());
        node.put("mailFrom", envelope.mailFrom());
        envelope.recipients().forEach(node.putArray("recipients")::add);
        node.put("client", envelope.client());
        node.put("received", envelope.received().toString());
        node.put("size", entry.size());
        node.put("attempts", entry.attempts());
        node.put("nextAttempt", entry.nextAttempt().toString());
        entry.lastError().ifPresent(error -> node.put("lastError", error));
        entry.heldBecause().ifPresent(held -> node.put("heldBecause", held));
        return json.writeValueAsBytes(node);
    }

    /** Reads a metadata file; anything missing or malformed is an {@link IOException}, and the file is quarantined. */
    Entry read(byte[] bytes) throws IOException {
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || node.path("version").asInt() != VERSION) {
                throw new IOException("not a spool record of version " + VERSION);
            }
            List<String> recipients = new ArrayList<>();
            node.required("recipients").forEach(recipient -> recipients.add(recipient.asText()));
            Envelope envelope = new Envelope(text(node, "account"), text(node, "mailFrom"), recipients,
                    text(node, "client"), Instant.parse(text(node, "received")));
            return new Entry(new MessageId(text(node, "id")), envelope, node.required("size").asLong(),
                    node.required("attempts").asInt(), Instant.parse(text(node, "nextAttempt")),
                    optional(node, "lastError"), optional(node, "heldBecause"), Optional.empty());
        } catch (JsonProcessingException e) {
            // not Jackson's own text, which may quote the file (addresses); where it broke is enough
            JsonLocation at = e.getLocation();
            throw new IOException("unparsable metadata" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()), e);
        } catch (RuntimeException e) {
            throw new IOException("malformed metadata (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.required(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not text");
        }
        return value.asText();
    }

    private static Optional<String> optional(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
