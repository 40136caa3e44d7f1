package io.oauthmail.server.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.config.OAuthMailPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The embedded relay queue: a folder ({@code <state>/relay/} by default) with two files per message,
 * {@code ID.eml} (the content, as accepted) and {@code ID.json} (envelope and delivery state, see
 * {@link SpoolRecord}). Each is written to a temp name, forced, renamed and the folder forced before
 * {@link #accept} returns; the metadata file is renamed last, so its presence is what makes a message queued.
 * Metadata updates replace the file the same way. Leases live in memory: one daemon owns a spool (a lock file
 * says so), and a lease ends with the process that held it.
 *
 * <p>Content is stored as the client sent it, not encrypted: the folder is the owner's alone (0700, files 0600),
 * as a mail client's or Postfix's queue; use disk encryption where that is not enough.
 */
public final class FileSpool implements RelayQueue {

    /**
     * When the spool refuses new mail ({@link QueueFull}, the client hears {@code 452}).
     *
     * @param reserveBytes free disk space kept for everything else; below it the spool is full
     * @param maxMessages  the most messages queued at once; 0 for no limit
     */
    public record Limits(long reserveBytes, int maxMessages) {
        /** 100 MiB of disk kept free, at most 100,000 messages. */
        public static Limits defaults() {
            return new Limits(100L * 1024 * 1024, 100_000);
        }
    }

    private record Lease(String host, Instant until) {
    }

    private final Path dir;
    private final Limits limits;
    private final SpoolRecord records = new SpoolRecord(new ObjectMapper());
    private final SpoolLock lock;
    private final SpoolIds ids;
    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, String> heldAccounts = new HashMap<>();
    private int accepting;

    private FileSpool(Path dir, Limits limits, Clock clock, SpoolLock lock) {
        this.dir = dir;
        this.limits = limits;
        this.lock = lock;
        this.ids = new SpoolIds(clock);
    }

    /** The default spool folder: {@code relay/} in the state folder. */
    public static Path defaultFolder(OAuthMailPaths paths) {
        return paths.stateDir().resolve("relay");
    }

    /**
     * Opens (creating) the spool in {@code dir}, takes its lock and reads what is queued; files that cannot be read
     * are moved to {@code quarantine/} with a log line, the rest stays queued.
     *
     * @throws io.oauthmail.error.OAuthMailException another daemon owns this spool
     */
    public static FileSpool open(Path dir, Limits limits, Clock clock) throws IOException {
        SpoolFiles.ownerOnlyFolder(dir);
        SpoolLock lock = SpoolLock.acquire(dir);
        try {
            FileSpool spool = new FileSpool(dir, limits, clock, lock);
            SpoolScan.Result scanned = new SpoolScan(dir, spool.records).run();
            scanned.entries().forEach(entry -> spool.entries.put(entry.id().value(), entry));
            scanned.entries().forEach(entry -> entry.heldBecause()
                    .ifPresent(reason -> spool.heldAccounts.put(entry.envelope().account(), reason)));
            if (!spool.entries.isEmpty()) {
                spool.ids.after(spool.entries.lastKey());
            }
            return spool;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    @Override
    public Entry accept(Envelope envelope, InputStream content, long maxBytes) throws IOException {
        reserveRoom();
        try {
            return write(envelope, content, maxBytes);
        } finally {
            synchronized (this) {
                accepting--;
            }
        }
    }

    private Entry write(Envelope envelope, InputStream content, long maxBytes) throws IOException {
        MessageId id = ids.next();
        Path body = contentFile(id);
        Path meta = metaFile(id);
        try {
            Path temp = SpoolFiles.temp(dir, body.getFileName().toString());
            long size = SpoolFiles.writeForced(temp, content, maxBytes);
            SpoolFiles.rename(temp, body);
            Entry entry;
            synchronized (this) {
                entry = new Entry(id, envelope, size, 0, envelope.received(), Optional.empty(),
                        Optional.ofNullable(heldAccounts.get(envelope.account())), Optional.empty());
            }
            temp = SpoolFiles.temp(dir, meta.getFileName().toString());
            SpoolFiles.writeForced(temp, records.write(entry));
            SpoolFiles.rename(temp, meta);
            SpoolFiles.forceFolder(dir);
            synchronized (this) {
                entries.put(id.value(), entry);
            }
            return entry;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(meta);
            Files.deleteIfExists(body);
            throw e;
        }
    }

    /** Counts this accept against the limits before a byte is written, so concurrent clients cannot overshoot. */
    private void reserveRoom() throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < limits.reserveBytes()) {
            throw new QueueFull("the relay spool " + dir + " is full: " + free / (1024 * 1024) + " MiB free, under its reserve of "
                    + limits.reserveBytes() / (1024 * 1024) + " MiB");
        }
        synchronized (this) {
            if (limits.maxMessages() > 0 && entries.size() + accepting >= limits.maxMessages()) {
                throw new QueueFull("the relay spool " + dir + " holds its most messages (" + limits.maxMessages() + ")");
            }
            accepting++;
        }
    }

    @Override
    public synchronized List<Entry> claim(String host, int max, Duration lease, Instant now) {
        List<Entry> claimed = new ArrayList<>();
        Set<String> blocked = new HashSet<>();
        for (Entry entry : entries.values()) {
            if (claimed.size() >= max) {
                break;
            }
            String account = entry.envelope().account();
            if (blocked.contains(account)) {
                continue;
            }
            Lease held = leases.get(entry.id().value());
            if (entry.heldBecause().isPresent() || (held != null && held.until().isAfter(now)) || entry.nextAttempt().isAfter(now)) {
                blocked.add(account); // in order per account: nothing younger goes while this one waits
                continue;
            }
            leases.put(entry.id().value(), new Lease(host, now.plus(lease)));
            claimed.add(view(entry));
        }
        return claimed;
    }

    @Override
    public InputStream open(MessageId id) throws IOException {
        return Files.newInputStream(contentFile(id));
    }

    @Override
    public synchronized boolean delivered(MessageId id, String host) throws IOException {
        return holds(id, host) && remove(id);
    }

    @Override
    public synchronized boolean deferred(MessageId id, String host, Instant next, String reason) throws IOException {
        if (!holds(id, host)) {
            return false;
        }
        update(id, entry -> new Entry(entry.id(), entry.envelope(), entry.size(), entry.attempts() + 1, next,
                Optional.of(reason), entry.heldBecause(), Optional.empty()));
        leases.remove(id.value());
        return true;
    }

    @Override
    public synchronized boolean failed(MessageId id, String host, String reason) throws IOException {
        return holds(id, host) && remove(id);
    }

    @Override
    public synchronized void hold(String account, Optional<String> reason) throws IOException {
        reason.ifPresentOrElse(why -> heldAccounts.put(account, why), () -> heldAccounts.remove(account));
        for (Entry entry : List.copyOf(entries.values())) {
            if (entry.envelope().account().equals(account) && !entry.heldBecause().equals(reason)) {
                update(entry.id(), e -> new Entry(e.id(), e.envelope(), e.size(), e.attempts(), e.nextAttempt(),
                        e.lastError(), reason, Optional.empty()));
            }
        }
    }

    @Override
    public synchronized List<Entry> list() {
        return entries.values().stream().map(this::view).toList();
    }

    @Override
    public synchronized Optional<Entry> find(MessageId id) {
        return Optional.ofNullable(entries.get(id.value())).map(this::view);
    }

    @Override
    public synchronized boolean retryNow(MessageId id, Instant now) throws IOException {
        Entry entry = entries.get(id.value());
        if (entry == null) {
            return false;
        }
        if (entry.nextAttempt().isAfter(now)) {
            update(id, dueAt(now));
        }
        return true;
    }

    /** Moves every message not yet due to {@code now}; returns how many moved. */
    @Override
    public synchronized int retryAll(Instant now) throws IOException {
        int moved = 0;
        for (Entry entry : List.copyOf(entries.values())) {
            if (entry.nextAttempt().isAfter(now)) {
                update(entry.id(), dueAt(now));
                moved++;
            }
        }
        return moved;
    }

    @Override
    public synchronized boolean delete(MessageId id) throws IOException {
        return entries.containsKey(id.value()) && remove(id);
    }

    @Override
    public synchronized Counts counts() {
        int deferred = 0;
        int held = 0;
        long bytes = 0;
        Instant oldest = null;
        for (Entry entry : entries.values()) {
            deferred += entry.attempts() > 0 && entry.heldBecause().isEmpty() ? 1 : 0;
            held += entry.heldBecause().isPresent() ? 1 : 0;
            bytes += entry.size();
            Instant received = entry.envelope().received();
            oldest = oldest == null || received.isBefore(oldest) ? received : oldest;
        }
        return new Counts(entries.size(), deferred, held, bytes, Optional.ofNullable(oldest));
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }

    /** The spool's folder, for the daemon's status. */
    public Path folder() {
        return dir;
    }

    private static UnaryOperator<Entry> dueAt(Instant now) {
        return e -> new Entry(e.id(), e.envelope(), e.size(), e.attempts(), now, e.lastError(), e.heldBecause(), Optional.empty());
    }

    private boolean holds(MessageId id, String host) {
        Lease lease = leases.get(id.value());
        return entries.containsKey(id.value()) && lease != null && lease.host().equals(host);
    }

    private void update(MessageId id, UnaryOperator<Entry> change) throws IOException {
        Entry changed = change.apply(entries.get(id.value()));
        SpoolFiles.replace(dir, metaFile(id), records.write(changed));
        entries.put(id.value(), changed);
    }

    /** Metadata first: a crash between the two deletes leaves content without metadata, which the next scan drops. */
    private boolean remove(MessageId id) throws IOException {
        Files.deleteIfExists(metaFile(id));
        Files.deleteIfExists(contentFile(id));
        SpoolFiles.forceFolder(dir);
        entries.remove(id.value());
        leases.remove(id.value());
        return true;
    }

    private Entry view(Entry entry) {
        Lease lease = leases.get(entry.id().value());
        return lease == null ? entry : new Entry(entry.id(), entry.envelope(), entry.size(), entry.attempts(),
                entry.nextAttempt(), entry.lastError(), entry.heldBecause(), Optional.of(lease.host()));
    }

    private Path contentFile(MessageId id) {
        return dir.resolve(id.value() + SpoolScan.CONTENT);
    }

    private Path metaFile(MessageId id) {
        return dir.resolve(id.value() + SpoolScan.META);
    }
}
