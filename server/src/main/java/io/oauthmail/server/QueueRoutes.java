package io.oauthmail.server;

import io.oauthmail.server.relay.QueueJson;
import io.oauthmail.server.relay.RelayQueue;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The control socket's relay queue routes, for {@code oauthmail queue} while a daemon owns the queue:
 *
 * <ul>
 *   <li>{@code GET /queue}: one {@link QueueJson} object per message and line, oldest first;</li>
 *   <li>{@code GET /queue/ID}: that message; {@code GET /queue/ID/content}: its content, and only there;</li>
 *   <li>{@code POST /queue/ID/retry}: due now, answered with the message (a held one stays held, and says so);</li>
 *   <li>{@code POST /queue/retry}: every message due now, answered {@code {"moved":N,"held":N}};</li>
 *   <li>{@code DELETE /queue/ID}: removed, answered with what was removed; {@code 409} while a worker sends it.</li>
 * </ul>
 *
 * {@code 404} for an unknown message, {@code 400} for something that is not an id, {@code 503} when this daemon
 * runs no relay (the command then opens the spool itself, which no daemon holds).
 */
final class QueueRoutes {

    static final String PREFIX = "/queue";

    private final Supplier<Optional<RelayQueue>> queue;
    private final Clock clock;
    private final QueueJson json = new QueueJson();

    QueueRoutes(Supplier<Optional<RelayQueue>> queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    static boolean matches(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    ControlHandler.Reply reply(String method, String path) {
        Optional<RelayQueue> open = queue.get();
        if (open.isEmpty()) {
            return ControlHandler.Reply.text(503, "this daemon runs no relay listener, so it holds no queue\n");
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1); // "", ID, [retry|content]
        try {
            if (parts.length == 1) {
                return method.equals("GET") ? list(open.get()) : notAllowed();
            }
            if (parts.length == 2 && parts[1].equals("retry") && method.equals("POST")) {
                return retryAll(open.get());
            }
            MessageId id = id(parts[1]);
            if (id == null || parts.length > 3) {
                return ControlHandler.Reply.text(400, "not a queue id: " + path.substring(PREFIX.length() + 1) + "\n");
            }
            String action = parts.length == 3 ? parts[2] : "";
            return switch (method + " " + action) {
                case "GET " -> found(open.get(), id).map(this::entry).orElseGet(() -> unknown(id));
                case "GET content" -> content(open.get(), id);
                case "POST retry" -> retry(open.get(), id);
                case "DELETE " -> delete(open.get(), id);
                default -> notAllowed();
            };
        } catch (IOException e) {
            return ControlHandler.Reply.text(500, "the relay queue failed: " + e.getMessage() + "\n");
        }
    }

    private ControlHandler.Reply list(RelayQueue open) throws IOException {
        String lines = open.list().stream().map(json::write).map(line -> line + "\n").collect(Collectors.joining());
        return ControlHandler.Reply.json(200, lines);
    }

    private ControlHandler.Reply retryAll(RelayQueue open) throws IOException {
        int moved = open.retryAll(clock.instant());
        long held = open.list().stream().filter(entry -> entry.heldBecause().isPresent()).count();
        return ControlHandler.Reply.json(200, "{\"moved\":" + moved + ",\"held\":" + held + "}\n");
    }

    private ControlHandler.Reply content(RelayQueue open, MessageId id) throws IOException {
        if (found(open, id).isEmpty()) {
            return unknown(id);
        }
        try (InputStream in = open.open(id)) {
            return new ControlHandler.Reply(200, "message/rfc822", null, in.readAllBytes());
        } catch (java.nio.file.NoSuchFileException e) {
            return unknown(id); // delivered between the two looks
        }
    }

    private ControlHandler.Reply retry(RelayQueue open, MessageId id) throws IOException {
        if (!open.retryNow(id, clock.instant())) {
            return unknown(id);
        }
        return found(open, id).map(this::entry).orElseGet(() -> unknown(id));
    }

    private ControlHandler.Reply delete(RelayQueue open, MessageId id) throws IOException {
        Optional<Entry> entry = found(open, id);
        if (entry.isPresent() && entry.get().leasedBy().isPresent()) {
            return ControlHandler.Reply.text(409, "message " + id + " is being delivered right now (by "
                    + entry.get().leasedBy().get() + "); it cannot be deleted while it is sent\n");
        }
        // A worker may claim it between the look and the delete; the worker's own report then finds it gone.
        return entry.isPresent() && open.delete(id) ? entry(entry.get()) : unknown(id);
    }

    private static Optional<Entry> found(RelayQueue open, MessageId id) throws IOException {
        return open.find(id);
    }

    private ControlHandler.Reply entry(Entry entry) {
        return ControlHandler.Reply.json(200, json.write(entry) + "\n");
    }

    private static ControlHandler.Reply unknown(MessageId id) {
        return ControlHandler.Reply.text(404, "no message " + id + " in the queue\n");
    }

    private static ControlHandler.Reply notAllowed() {
        return ControlHandler.Reply.text(405, "queue routes: GET /queue, GET /queue/ID, GET /queue/ID/content, "
                + "POST /queue/ID/retry, POST /queue/retry, DELETE /queue/ID\n");
    }

    private static MessageId id(String text) {
        try {
            return new MessageId(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
