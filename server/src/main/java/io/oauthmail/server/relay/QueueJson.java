package io.oauthmail.server.relay;

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
import java.util.Locale;
import java.util.Optional;

/**
 * A queued message as one JSON object, as {@code GET /queue} on the control socket sends it and
 * {@code oauthmail queue list --json} prints it: the envelope, size, attempts, next attempt, {@code state}, last
 * error and held reason; never the content. {@link #read} turns it back into an {@link Entry}.
 */
public final class QueueJson {

    /** What a queued message is waiting for, as {@code oauthmail queue} shows it. */
    public enum State {
        /** Not tried yet. */
        QUEUED,
        /** Tried and failed for now; waits for its next attempt. */
        DEFERRED,
        /** Its account lost its grant: nothing is sent until the account logs in again. */
        HELD,
        /** A worker is sending it now. */
        DELIVERING;

        /** The word in {@code queue list} and the JSON. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The state of {@code entry}: a lease wins (a held account's last message may still be on its way). */
        public static State of(Entry entry) {
            if (entry.leasedBy().isPresent()) {
                return DELIVERING;
            }
            if (entry.heldBecause().isPresent()) {
                return HELD;
            }
            return entry.attempts() > 0 ? DEFERRED : QUEUED;
        }
    }

    private final ObjectMapper json = new ObjectMapper();

    /** One line of JSON, no line break. */
    public String write(Entry entry) {
        ObjectNode node = json.createObjectNode();
        Envelope envelope = entry.envelope();
        node.put("id", entry.id().value());
        node.put("account", envelope.account());
        node.put("from", envelope.mailFrom());
        envelope.recipients().forEach(node.putArray("recipients")::add);
        node.put("client", envelope.client());
        node.put("received", envelope.received().toString());
        node.put("size", entry.size());
        node.put("attempts", entry.attempts());
        node.put("next_attempt", entry.nextAttempt().toString());
        node.put("state", State.of(entry).word());
        node.put("last_error", entry.lastError().orElse(null));
        node.put("held_because", entry.heldBecause().orElse(null));
        node.put("delivering_host", entry.leasedBy().orElse(null));
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of strings and numbers always writes
        }
    }

    /** Reads what {@link #write} wrote. @throws IOException for anything else */
    public Entry read(String line) throws IOException {
        try {
            JsonNode node = json.readTree(line);
            List<String> recipients = new ArrayList<>();
            node.required("recipients").forEach(recipient -> recipients.add(recipient.asText()));
            Envelope envelope = new Envelope(node.required("account").asText(), node.required("from").asText(),
                    recipients, node.path("client").asText(""), Instant.parse(node.required("received").asText()));
            return new Entry(new MessageId(node.required("id").asText()), envelope, node.required("size").asLong(),
                    node.required("attempts").asInt(), Instant.parse(node.required("next_attempt").asText()),
                    optional(node, "last_error"), optional(node, "held_because"), optional(node, "delivering_host"));
        } catch (RuntimeException e) {
            throw new IOException("not a queue entry from oauthmail serve (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static Optional<String> optional(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
