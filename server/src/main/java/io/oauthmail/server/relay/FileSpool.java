package io.oauthmail.server.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.config.OAuthMailPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The embedded relay queue: a folder ({@code <state>/relay/} by default) with one file per message,
 * {@code ID.msg} (envelope and content, as accepted; see {@link SpoolRecord}), written to a temp name, its data
 * synced, renamed and the folder synced before {@link #accept} returns: two syncs per message, as few as a rename
 * allows (Postfix's queue makes do with one by not syncing its folder, which a power cut can undo). A state file
 * {@code ID.json} appears only when delivery is deferred or held, replaced atomically the same way. A delivered
 * message's files are removed and the folder synced, outside the spool's lock so that accepts do not wait for
 * it. Leases live in memory: one daemon owns a spool (a lock file says so), and a lease ends with the process
 * that held it.
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
    private final FileStore store;
    private final FileChannel folder;
    private final Limits limits;
    private final SpoolRecord records = new SpoolRecord(new ObjectMapper());
    private final SpoolLock lock;
    private final SpoolIds ids;
    private final TreeMap<String, Entry> entries = new TreeMap<>();
    /** The same entries by account, for {@link #claim}. */
    private final Map<String, TreeMap<String, Entry>> byAccount = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, String> heldAccounts = new HashMap<>();
    /** Where each message's content starts in its file, after the envelope. */
    private final Map<String, Integer> contentStarts = new HashMap<>();
    private int accepting;

    private FileSpool(Path dir, Limits limits, Clock clock, SpoolLock lock) throws IOException {
        this.dir = dir;
        this.store = Files.getFileStore(dir); // once: finding it reads the mount table
        this.folder = SpoolFiles.openFolder(dir);
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
            for (SpoolRecord.Header header : scanned.messages()) {
                Entry entry = header.entry();
                String id = entry.id().value();
                spool.put(entry);
                spool.contentStarts.put(id, header.contentStart());
                entry.heldBecause().ifPresent(reason -> spool.heldAccounts.put(entry.envelope().account(), reason));
            }
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
        Path message = messageFile(id);
        byte[] header = records.header(id, envelope);
        try {
            Path temp = SpoolFiles.temp(dir, message.getFileName().toString());
            long size = SpoolFiles.writeMessage(temp, header, SpoolRecord.SIZE_OFFSET, content, maxBytes);
            SpoolFiles.rename(temp, message);
            Entry entry;
            synchronized (this) {
                entry = new Entry(id, envelope, size, 0, envelope.received(), Optional.empty(),
                        Optional.ofNullable(heldAccounts.get(envelope.account())), Optional.empty());
            }
            if (entry.heldBecause().isPresent()) {
                SpoolFiles.replace(dir, stateFile(id), records.state(entry)); // its account is held: say so on disk too
            }
            SpoolFiles.force(folder);
            synchronized (this) {
                put(entry);
                contentStarts.put(id.value(), header.length);
            }
            return entry;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(stateFile(id));
            Files.deleteIfExists(message);
            throw e;
        }
    }

    /** Counts this accept against the limits before a byte is written, so concurrent clients cannot overshoot. */
    private void reserveRoom() throws IOException {
        long free = store.getUsableSpace();
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

    /**
     * Walks each account's messages oldest first and stops at the first that waits (in order per account: nothing
     * younger goes while it waits), so a claim costs the accounts and the messages it hands out, not the whole
     * queue: the delivery side claims after every accept, and the lock it holds is the one accepts need.
     */
    @Override
    public synchronized List<Entry> claim(String host, int max, Duration lease, Instant now) {
        List<Entry> candidates = new ArrayList<>();
        for (TreeMap<String, Entry> account : byAccount.values()) {
            int taken = 0;
            for (Entry entry : account.values()) {
                Lease held = leases.get(entry.id().value());
                if (taken >= max || entry.heldBecause().isPresent() || (held != null && held.until().isAfter(now))
                        || entry.nextAttempt().isAfter(now)) {
                    break;
                }
                candidates.add(entry);
                taken++;
            }
        }
        candidates.sort(Comparator.comparing(entry -> entry.id().value()));
        List<Entry> claimed = new ArrayList<>();
        for (Entry entry : candidates.subList(0, Math.min(max, candidates.size()))) {
            leases.put(entry.id().value(), new Lease(host, now.plus(lease)));
            claimed.add(view(entry));
        }
        return claimed;
    }

    @Override
    public InputStream open(MessageId id) throws IOException {
        Integer start;
        synchronized (this) {
            start = contentStarts.get(id.value());
        }
        if (start == null) {
            throw new NoSuchFileException(id + " is not queued");
        }
        InputStream in = Files.newInputStream(messageFile(id));
        try {
            in.skipNBytes(start);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public boolean delivered(MessageId id, String host) throws IOException {
        return remove(id, host);
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
    public boolean failed(MessageId id, String host, String reason) throws IOException {
        return remove(id, host);
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
    public boolean delete(MessageId id) throws IOException {
        return remove(id, null);
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
        try {
            if (folder != null) {
                folder.close();
            }
        } finally {
            lock.close();
        }
    }

    /** The spool's folder, for the daemon's status. */
    public Path folder() {
        return dir;
    }

    private static UnaryOperator<Entry> dueAt(Instant now) {
        return e -> new Entry(e.id(), e.envelope(), e.size(), e.attempts(), now, e.lastError(), e.heldBecause(), Optional.empty());
    }

    private void put(Entry entry) {
        entries.put(entry.id().value(), entry);
        byAccount.computeIfAbsent(entry.envelope().account(), account -> new TreeMap<>()).put(entry.id().value(), entry);
    }

    private boolean holds(MessageId id, String host) {
        Lease lease = leases.get(id.value());
        return entries.containsKey(id.value()) && lease != null && lease.host().equals(host);
    }

    private void update(MessageId id, UnaryOperator<Entry> change) throws IOException {
        Entry changed = change.apply(entries.get(id.value()));
        SpoolFiles.replace(dir, stateFile(id), records.state(changed));
        put(changed);
    }

    /**
     * Takes a message out of the queue ({@code host} null: whoever holds it), then removes its files outside the
     * lock. The message file goes first: a crash before the state file follows leaves a state file alone, which
     * the next scan deletes. Most messages never had a state file; deleting one that is not there is a single
     * failed unlink, cheaper than keeping a set of those that have one.
     */
    private boolean remove(MessageId id, String host) throws IOException {
        synchronized (this) {
            if (host == null ? !entries.containsKey(id.value()) : !holds(id, host)) {
                return false;
            }
            Entry removed = entries.remove(id.value());
            TreeMap<String, Entry> account = byAccount.get(removed.envelope().account());
            account.remove(id.value());
            if (account.isEmpty()) {
                byAccount.remove(removed.envelope().account());
            }
            leases.remove(id.value());
            contentStarts.remove(id.value());
        }
        Files.deleteIfExists(messageFile(id));
        Files.deleteIfExists(stateFile(id));
        SpoolFiles.force(folder);
        return true;
    }

    private Entry view(Entry entry) {
        Lease lease = leases.get(entry.id().value());
        return lease == null ? entry : new Entry(entry.id(), entry.envelope(), entry.size(), entry.attempts(),
                entry.nextAttempt(), entry.lastError(), entry.heldBecause(), Optional.of(lease.host()));
    }

    private Path messageFile(MessageId id) {
        return dir.resolve(id.value() + SpoolScan.MESSAGE);
    }

    private Path stateFile(MessageId id) {
        return dir.resolve(id.value() + SpoolScan.STATE);
    }
}
