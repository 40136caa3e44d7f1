package io.oauthmail.server.relay;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The two records of a spooled message.
 *
 * <p>{@code ID.msg}, written once when the message is accepted: a first line {@code oauthmail-spool 2 SIZE}
 * (the content's byte count, 20 digits, filled in once the content is written), a second line with the envelope
 * as JSON, then the content exactly as the client sent it. One file, so accepting costs one file creation and one
 * data sync instead of two of each; the size lets a scan tell a file cut short by a broken disk.
 *
 * <p>{@code ID.json}, written only when the delivery state changes (a deferral, a hold, a retry): attempts, the
 * next attempt, the last error and the hold. Without it the state is the fresh one (no attempt, due at once).
 * Leases are not written: one daemon owns a spool, and a lease ends with the process that held it.
 */
final class SpoolRecord {

    private static final int VERSION = 2;
    private static final byte[] MAGIC = ("oauthmail-spool " + VERSION + " ").getBytes(StandardCharsets.US_ASCII);
    private static final int SIZE_DIGITS = 20;
    /** The longest first two lines a scan reads before giving up on a file (recipients make the envelope long). */
    private static final int MAX_HEADER = 1024 * 1024;

    /** Where the size digits are in {@code ID.msg}, to be written once the content's length is known. */
    static final int SIZE_OFFSET = MAGIC.length;

    /** A message file's envelope, and where its content starts. */
    record Header(Entry entry, int contentStart) {
    }

    private final ObjectMapper json;

    SpoolRecord(ObjectMapper json) {
        this.json = json;
    }

    /** The first two lines of {@code ID.msg}, with a size of 0 to be overwritten by {@link #size}. */
    byte[] header(MessageId id, Envelope envelope) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("id", id.value());
        node.put("account", envelope.account());
        node.put("mailFrom", envelope.mailFrom());
        envelope.recipients().forEach(node.putArray("recipients")::add);
        node.put("client", envelope.client());
        node.put("received", envelope.received().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.write(size(0));
        out.write('\n');
        out.write(json.writeValueAsBytes(node)); // one line: JSON escapes line breaks inside strings
        out.write('\n');
        return out.toByteArray();
    }

    static byte[] size(long size) {
        return String.format("%0" + SIZE_DIGITS + "d", size).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the first two lines of a message file of {@code fileSize} bytes; a wrong magic, a size that does not
     * match the file or a malformed envelope is an {@link IOException}, and the file is quarantined.
     */
    Header readHeader(InputStream in, long fileSize) throws IOException {
        byte[] first = line(in, MAGIC.length + SIZE_DIGITS + 1);
        if (first.length != MAGIC.length + SIZE_DIGITS + 1 || !Arrays.equals(first, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("not a spool message of version " + VERSION);
        }
        long size;
        try {
            size = Long.parseLong(new String(first, MAGIC.length, SIZE_DIGITS, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IOException("its size is not a number");
        }
        byte[] second = line(in, MAX_HEADER);
        int contentStart = first.length + second.length;
        if (fileSize - contentStart != size) {
            throw new IOException("its content is " + (fileSize - contentStart) + " bytes, " + size + " were accepted");
        }
        JsonNode node = parse(second);
        try {
            List<String> recipients = new ArrayList<>();
            node.required("recipients").forEach(recipient -> recipients.add(recipient.asText()));
            Envelope envelope = new Envelope(text(node, "account"), text(node, "mailFrom"), recipients,
                    text(node, "client"), Instant.parse(text(node, "received")));
            Entry entry = new Entry(new MessageId(text(node, "id")), envelope, size, 0, envelope.received(),
                    Optional.empty(), Optional.empty(), Optional.empty());
            return new Header(entry, contentStart);
        } catch (RuntimeException e) {
            throw new IOException("malformed envelope (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** The state file of {@code entry}: what changed since it was accepted. */
    byte[] state(Entry entry) throws IOException {
        ObjectNode node = json.createObjectNode();
        node.put("version", VERSION);
        node.put("id", entry.id().value());
        node.put("attempts", entry.attempts());
        node.put("nextAttempt", entry.nextAttempt().toString());
        entry.lastError().ifPresent(error -> node.put("lastError", error));
        entry.heldBecause().ifPresent(held -> node.put("heldBecause", held));
        return json.writeValueAsBytes(node);
    }

    /** {@code accepted} with the state read from its state file; anything malformed is an {@link IOException}. */
    Entry withState(Entry accepted, byte[] bytes) throws IOException {
        JsonNode node = parse(bytes);
        try {
            if (node.path("version").asInt() != VERSION || !text(node, "id").equals(accepted.id().value())) {
                throw new IOException("not the state of " + accepted.id() + " in version " + VERSION);
            }
            return new Entry(accepted.id(), accepted.envelope(), accepted.size(), node.required("attempts").asInt(),
                    Instant.parse(text(node, "nextAttempt")), optional(node, "lastError"), optional(node, "heldBecause"),
                    Optional.empty());
        } catch (RuntimeException e) {
            throw new IOException("malformed state (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** True when {@code bytes} is a state file of this version: an orphan one may be deleted, anything else is kept. */
    boolean isState(byte[] bytes) {
        try {
            JsonNode node = json.readTree(bytes);
            return node != null && node.path("version").asInt() == VERSION && node.path("id").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode parse(byte[] bytes) throws IOException {
        try {
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            // not Jackson's own text, which may quote the file (addresses); where it broke is enough
            JsonLocation at = e.getLocation();
            throw new IOException("unparsable record" + (at == null ? "" : " at column " + at.getColumnNr()), e);
        }
    }

    /** Reads up to and including a line feed, at most {@code max} bytes; a longer line or an early end is an error. */
    private static byte[] line(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 512));
        for (int b; (b = in.read()) >= 0; ) {
            out.write(b);
            if (b == '\n') {
                return out.toByteArray();
            }
            if (out.size() >= max) {
                break;
            }
        }
        throw new IOException("its header is cut short or too long");
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
