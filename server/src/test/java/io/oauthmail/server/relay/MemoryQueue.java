package io.oauthmail.server.relay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RelayQueue} in memory, keeping the contract's ordering and lease rules: the workers' tests ran on it
 * before the embedded {@code FileSpool} landed. Not durable, so never outside tests.
 */
final class MemoryQueue implements RelayQueue {

    private record Stored(Entry entry, byte[] content, Instant leaseEnd) {
    }

    private final Map<MessageId, Stored> messages = new LinkedHashMap<>();
    private final Map<String, String> held = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public synchronized Entry accept(Envelope envelope, InputStream content, long maxBytes) throws IOException {
        byte[] bytes = content.readAllBytes();
        if (bytes.length > maxBytes) {
            throw new TooLarge(maxBytes);
        }
        Entry entry = new Entry(new MessageId("m" + ids.incrementAndGet()), envelope, bytes.length, 0, envelope.received(),
                Optional.empty(), Optional.ofNullable(held.get(envelope.account())), Optional.empty());
        messages.put(entry.id(), new Stored(entry, bytes, null));
        return entry;
    }

    @Override
    public synchronized List<Entry> claim(String host, int max, Duration lease, Instant now) {
        List<Entry> claimed = new ArrayList<>();
        Set<String> blocked = new HashSet<>();
        for (Stored stored : List.copyOf(messages.values())) {
            Entry e = stored.entry();
            String account = e.envelope().account();
            boolean leased = stored.leaseEnd() != null && now.isBefore(stored.leaseEnd());
            boolean due = !e.nextAttempt().isAfter(now);
            if (held.containsKey(account) || blocked.contains(account)) {
                continue;
            }
            if (leased || due && claimed.size() >= max) {
                blocked.add(account); // younger ones of this account wait for it
            } else if (due) {
                Entry leasedEntry = new Entry(e.id(), e.envelope(), e.size(), e.attempts(), e.nextAttempt(), e.lastError(),
                        e.heldBecause(), Optional.of(host));
                messages.put(e.id(), new Stored(leasedEntry, stored.content(), now.plus(lease)));
                claimed.add(leasedEntry);
            }
        }
        return claimed;
    }

    @Override
    public synchronized InputStream open(MessageId id) throws IOException {
        Stored stored = messages.get(id);
        if (stored == null) {
            throw new IOException("no message " + id);
        }
        return new ByteArrayInputStream(stored.content());
    }

    private boolean holds(MessageId id, String host) {
        Stored stored = messages.get(id);
        return stored != null && stored.entry().leasedBy().equals(Optional.of(host));
    }

    @Override
    public synchronized boolean delivered(MessageId id, String host) {
        return holds(id, host) && messages.remove(id) != null;
    }

    @Override
    public synchronized boolean deferred(MessageId id, String host, Instant next, String reason) {
        if (!holds(id, host)) {
            return false;
        }
        Stored s = messages.get(id);
        Entry e = s.entry();
        messages.put(id, new Stored(new Entry(id, e.envelope(), e.size(), e.attempts() + 1, next, Optional.of(reason),
                e.heldBecause(), Optional.empty()), s.content(), null));
        return true;
    }

    @Override
    public synchronized boolean failed(MessageId id, String host, String reason) {
        return delivered(id, host);
    }

    @Override
    public synchronized void hold(String account, Optional<String> reason) {
        if (reason.isPresent()) {
            held.put(account, reason.get());
        } else {
            held.remove(account);
        }
        for (Stored s : List.copyOf(messages.values())) {
            Entry e = s.entry();
            if (e.envelope().account().equals(account)) {
                messages.put(e.id(), new Stored(new Entry(e.id(), e.envelope(), e.size(), e.attempts(), e.nextAttempt(),
                        e.lastError(), reason, e.leasedBy()), s.content(), s.leaseEnd()));
            }
        }
    }

    @Override
    public synchronized List<Entry> list() {
        return messages.values().stream().map(Stored::entry).toList();
    }

    @Override
    public synchronized Optional<Entry> find(MessageId id) {
        return Optional.ofNullable(messages.get(id)).map(Stored::entry);
    }

    @Override
    public boolean retryNow(MessageId id, Instant now) {
        throw new UnsupportedOperationException("not used by the workers");
    }

    @Override
    public int retryAll(Instant now) {
        throw new UnsupportedOperationException("not used by the workers");
    }

    @Override
    public synchronized boolean delete(MessageId id) {
        return messages.remove(id) != null;
    }

    @Override
    public Counts counts() {
        throw new UnsupportedOperationException("not used by the workers");
    }

    @Override
    public void close() {
    }
}
