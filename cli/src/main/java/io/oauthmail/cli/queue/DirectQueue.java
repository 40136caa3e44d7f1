package io.oauthmail.cli.queue;

import io.oauthmail.config.RelaySettings;
import io.oauthmail.server.relay.FileSpool;
import io.oauthmail.server.relay.RelayQueue;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The queue opened by this command while no daemon here holds it: the embedded spool under its lock (a daemon that
 * starts meanwhile waits for nothing but this command's few milliseconds). A spool never created reads as empty and
 * is not created by looking.
 */
final class DirectQueue implements QueueAccess {

    private final RelayQueue queue;
    private final Clock clock;

    private DirectQueue(RelayQueue queue, Clock clock) {
        this.queue = queue;
        this.clock = clock;
    }

    /** {@code queue}, closed with this. */
    static QueueAccess of(RelayQueue queue, Clock clock) {
        return new DirectQueue(queue, clock);
    }

    static QueueAccess open(Path folder, RelaySettings settings, Clock clock) throws IOException {
        if (!Files.isDirectory(folder)) {
            return new DirectQueue(null, clock);
        }
        return new DirectQueue(FileSpool.open(folder, new FileSpool.Limits(settings.reserveBytes(), settings.maxMessages()),
                clock), clock);
    }

    @Override
    public List<Entry> list() throws IOException {
        return queue == null ? List.of() : queue.list();
    }

    @Override
    public Optional<Entry> find(MessageId id) throws IOException {
        return queue == null ? Optional.empty() : queue.find(id);
    }

    @Override
    public byte[] content(MessageId id) throws IOException {
        try (InputStream in = queue.open(id)) {
            return in.readAllBytes();
        }
    }

    @Override
    public Optional<Entry> retry(MessageId id) throws IOException {
        return queue != null && queue.retryNow(id, clock.instant()) ? queue.find(id) : Optional.empty();
    }

    @Override
    public RetriedAll retryAll() throws IOException {
        if (queue == null) {
            return new RetriedAll(0, 0);
        }
        int moved = queue.retryAll(clock.instant());
        return new RetriedAll(moved, queue.counts().held());
    }

    @Override
    public Deleted delete(MessageId id) throws IOException {
        Optional<Entry> entry = find(id);
        if (entry.isPresent() && entry.get().leasedBy().isPresent()) { // a queue shared with other hosts' workers
            return new Deleted(Optional.empty(), entry.get().leasedBy());
        }
        return new Deleted(entry.isPresent() && queue.delete(id) ? entry : Optional.empty(), Optional.empty());
    }

    @Override
    public void close() throws IOException {
        if (queue != null) {
            queue.close();
        }
    }
}
