package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every promise of {@link RelayQueue}, for each implementation: a subclass says how to make an empty queue, how to
 * open a second instance on the same storage, and how to make one that holds at most N messages. Nothing here
 * knows how a queue stores its messages. Times are passed explicitly ({@code now}), never slept; a message is due
 * at its envelope's {@code received}, whatever the machine's clock says.
 *
 * <p>To test another queue: extend this class (in {@code io.oauthmail.server.relay}'s test folder), make each
 * {@code create...} return a new empty queue (a new schema or truncated tables for a database), and give the queue
 * a most-messages limit for {@link #createQueueHolding}.
 */
public abstract class RelayQueueContract {

    protected static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final List<RelayQueue> opened = new ArrayList<>();

    /** A new, empty queue. */
    protected abstract RelayQueue createQueue() throws Exception;

    /** Closes {@code queue} and opens a new instance on the same storage (a daemon restart). */
    protected abstract RelayQueue reopenQueue(RelayQueue queue) throws Exception;

    /** A new, empty queue that takes at most {@code maxMessages} messages. */
    protected abstract RelayQueue createQueueHolding(int maxMessages) throws Exception;

    @AfterEach
    void closeQueues() throws Exception {
        for (RelayQueue queue : opened) {
            queue.close();
        }
    }

    private RelayQueue queue() throws Exception {
        return track(createQueue());
    }

    private RelayQueue track(RelayQueue queue) {
        opened.add(queue);
        return queue;
    }

    protected static Envelope envelope(String account, Instant received) {
        return new Envelope(account, account + "@example.org", List.of("one@example.net", "two@example.net"), "127.0.0.1",
                received);
    }

    protected static Entry accept(RelayQueue queue, String account, String body) throws IOException {
        return queue.accept(envelope(account, T0), content(body), 1_000_000);
    }

    protected static InputStream content(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    protected static String read(RelayQueue queue, MessageId id) throws IOException {
        try (InputStream in = queue.open(id)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<MessageId> ids(List<Entry> entries) {
        return entries.stream().map(Entry::id).toList();
    }

    @Test
    void acceptKeepsEnvelopeAndContentAndListsOldestFirst() throws Exception {
        RelayQueue queue = queue();
        String body = "Subject: one\r\n\r\nfirst\r\n";
        Entry first = accept(queue, "a", body);
        Entry second = accept(queue, "b", "Subject: two\r\n\r\nsecond\r\n");

        assertThat(first.envelope()).isEqualTo(envelope("a", T0));
        assertThat(first.size()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(first.attempts()).isZero();
        assertThat(first.nextAttempt()).isEqualTo(T0);
        assertThat(first.lastError()).isEmpty();
        assertThat(first.heldBecause()).isEmpty();
        assertThat(first.leasedBy()).isEmpty();
        assertThat(ids(queue.list())).containsExactly(first.id(), second.id());
        assertThat(queue.find(second.id())).contains(second);
        assertThat(read(queue, first.id())).isEqualTo(body);
        assertThat(queue.counts()).isEqualTo(new RelayQueue.Counts(2, 0, 0, first.size() + second.size(), Optional.of(T0)));
    }

    @Test
    void aNewInstanceOnTheSameStorageSeesEverythingAccepted() throws Exception {
        RelayQueue queue = createQueue();
        Entry plain = accept(queue, "a", "plain");
        Entry deferred = accept(queue, "b", "deferred");
        Entry held = accept(queue, "c", "held");
        queue.claim("h1", 10, LEASE, T0);
        queue.deferred(deferred.id(), "h1", T0.plusSeconds(600), "421 try later");
        queue.delivered(plain.id(), "h1");
        Entry kept = accept(queue, "a", "kept");
        queue.hold("c", Optional.of("grant lost"));

        RelayQueue again = track(reopenQueue(queue));

        assertThat(ids(again.list())).containsExactly(deferred.id(), held.id(), kept.id());
        Entry back = again.find(deferred.id()).orElseThrow();
        assertThat(back.attempts()).isEqualTo(1);
        assertThat(back.nextAttempt()).isEqualTo(T0.plusSeconds(600));
        assertThat(back.lastError()).contains("421 try later");
        assertThat(again.find(held.id()).orElseThrow().heldBecause()).contains("grant lost");
        assertThat(read(again, kept.id())).isEqualTo("kept");
        Entry newer = accept(again, "a", "after the restart");
        assertThat(ids(again.list())).last().isEqualTo(newer.id());
    }

    @Test
    void claimHandsOutEachAccountOldestFirstAndNothingYoungerWhileAnOlderIsLeased() throws Exception {
        RelayQueue queue = queue();
        Entry a1 = accept(queue, "a", "a1");
        Entry a2 = accept(queue, "a", "a2");
        Entry b1 = accept(queue, "b", "b1");

        assertThat(ids(queue.claim("h1", 1, LEASE, T0))).containsExactly(a1.id());
        assertThat(ids(queue.claim("h2", 10, LEASE, T0))).as("a2 waits for a1").containsExactly(b1.id());
        assertThat(queue.claim("h3", 10, LEASE, T0)).isEmpty();
        assertThat(queue.find(a1.id()).orElseThrow().leasedBy()).contains("h1");

        assertThat(queue.delivered(a1.id(), "h1")).isTrue();
        assertThat(ids(queue.claim("h3", 10, LEASE, T0))).containsExactly(a2.id());
    }

    @Test
    void aClaimHandsOutEachAccountsOldestAndAYoungerOneOnlyBehindIt() throws Exception {
        RelayQueue queue = queue();
        Entry a1 = accept(queue, "a", "a1");
        Entry b1 = accept(queue, "b", "b1");
        Entry a2 = accept(queue, "a", "a2");

        // one message in flight per account, or several of it to one host in order: both keep the promise
        assertThat(ids(queue.claim("h1", 10, LEASE, T0))).startsWith(a1.id(), b1.id()).isSubsetOf(a1.id(), b1.id(), a2.id());
    }

    @Test
    void anOlderMessageNotYetDueHoldsBackItsAccount() throws Exception {
        RelayQueue queue = queue();
        Entry a1 = accept(queue, "a", "a1");
        Entry a2 = accept(queue, "a", "a2");
        queue.claim("h1", 1, LEASE, T0);
        assertThat(queue.deferred(a1.id(), "h1", T0.plusSeconds(60), "451 later")).isTrue();

        assertThat(queue.claim("h1", 10, LEASE, T0.plusSeconds(30))).isEmpty();
        assertThat(ids(queue.claim("h1", 10, LEASE, T0.plusSeconds(60)))).startsWith(a1.id()).isSubsetOf(a1.id(), a2.id());
    }

    @Test
    void aMessageAcceptedForLaterIsNotDueYet() throws Exception {
        RelayQueue queue = queue();
        Entry later = queue.accept(envelope("a", T0.plusSeconds(60)), content("x"), 100);

        assertThat(queue.claim("h1", 10, LEASE, T0)).isEmpty();
        assertThat(ids(queue.claim("h1", 10, LEASE, T0.plusSeconds(60)))).containsExactly(later.id());
    }

    @Test
    void anExpiredLeaseReturnsTheMessageAndOnlyTheNewHolderMayFinishIt() throws Exception {
        RelayQueue queue = queue();
        Entry entry = accept(queue, "a", "x");
        queue.claim("dead", 10, Duration.ofMinutes(1), T0);

        assertThat(queue.claim("alive", 10, LEASE, T0.plusSeconds(59))).isEmpty();
        assertThat(ids(queue.claim("alive", 10, LEASE, T0.plusSeconds(61)))).containsExactly(entry.id());
        assertThat(queue.delivered(entry.id(), "dead")).isFalse();
        assertThat(queue.deferred(entry.id(), "dead", T0, "x")).isFalse();
        assertThat(queue.failed(entry.id(), "dead", "x")).isFalse();
        assertThat(queue.find(entry.id()).orElseThrow().leasedBy()).contains("alive");
        assertThat(queue.delivered(entry.id(), "alive")).isTrue();
        assertThat(queue.list()).isEmpty();
    }

    @Test
    void nobodyButTheHolderFinishesAMessage() throws Exception {
        RelayQueue queue = queue();
        Entry unclaimed = accept(queue, "a", "x");
        Entry claimed = accept(queue, "b", "y");
        queue.claim("h1", 10, LEASE, T0);
        queue.deferred(unclaimed.id(), "h1", T0.plusSeconds(60), "later");

        assertThat(queue.delivered(unclaimed.id(), "h1")).as("its lease was given back").isFalse();
        assertThat(queue.delivered(claimed.id(), "h2")).isFalse();
        assertThat(queue.deferred(claimed.id(), "h2", T0, "x")).isFalse();
        assertThat(queue.failed(claimed.id(), "h2", "x")).isFalse();
        assertThat(queue.delivered(new MessageId("0000000000000000"), "h1")).isFalse();
        assertThat(queue.list()).hasSize(2);
        assertThat(queue.find(claimed.id()).orElseThrow().attempts()).isZero();
    }

    @Test
    void deferredCountsTheAttemptAndGivesTheLeaseBack() throws Exception {
        RelayQueue queue = queue();
        Entry entry = accept(queue, "a", "x");
        queue.claim("h1", 10, LEASE, T0);

        assertThat(queue.deferred(entry.id(), "h1", T0.plusSeconds(300), "421 4.7.0 try again")).isTrue();
        Entry after = queue.find(entry.id()).orElseThrow();
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(after.nextAttempt()).isEqualTo(T0.plusSeconds(300));
        assertThat(after.lastError()).contains("421 4.7.0 try again");
        assertThat(after.leasedBy()).isEmpty();
        assertThat(queue.counts().deferred()).isEqualTo(1);
        assertThat(ids(queue.claim("h2", 10, LEASE, T0.plusSeconds(300)))).containsExactly(entry.id());
    }

    @Test
    void failedRemovesTheMessage() throws Exception {
        RelayQueue queue = queue();
        Entry entry = accept(queue, "a", "x");
        queue.claim("h1", 10, LEASE, T0);

        assertThat(queue.failed(entry.id(), "h1", "550 5.1.1 no such user")).isTrue();
        assertThat(queue.find(entry.id())).isEmpty();
        assertThat(queue.counts().queued()).isZero();
    }

    @Test
    void aHeldAccountIsNotClaimedUntilReleasedAndNewMailForItIsHeldToo() throws Exception {
        RelayQueue queue = queue();
        Entry a1 = accept(queue, "a", "a1");
        Entry b1 = accept(queue, "b", "b1");
        queue.hold("a", Optional.of("the grant of a was revoked"));
        Entry a2 = accept(queue, "a", "a2");

        assertThat(a2.heldBecause()).contains("the grant of a was revoked");
        assertThat(ids(queue.claim("h1", 10, LEASE, T0))).containsExactly(b1.id());
        assertThat(queue.counts().held()).isEqualTo(2);
        assertThat(queue.retryNow(a1.id(), T0)).isTrue();
        assertThat(queue.find(a1.id()).orElseThrow().heldBecause()).as("held accounts stay held").isPresent();

        queue.hold("a", Optional.empty());
        assertThat(queue.find(a1.id()).orElseThrow().heldBecause()).isEmpty();
        assertThat(ids(queue.claim("h1", 10, LEASE, T0))).startsWith(a1.id()).isSubsetOf(a1.id(), a2.id());
        assertThat(a2.heldBecause()).isPresent();
    }

    @Test
    void tooLargeKeepsNothing() throws Exception {
        RelayQueue queue = queue();
        byte[] hundred = new byte[100];

        assertThatThrownBy(() -> queue.accept(envelope("a", T0), new ByteArrayInputStream(new byte[101]), 100))
                .isInstanceOf(RelayQueue.TooLarge.class);
        assertThat(queue.list()).isEmpty();
        assertThat(queue.counts().bytes()).isZero();
        assertThat(queue.accept(envelope("a", T0), new ByteArrayInputStream(hundred), 100).size()).isEqualTo(100);
    }

    @Test
    void aFullQueueKeepsNothingAndTakesMailAgainOnceRoomIsMade() throws Exception {
        RelayQueue queue = track(createQueueHolding(2));
        accept(queue, "a", "1");
        Entry second = accept(queue, "a", "2");

        assertThatThrownBy(() -> accept(queue, "b", "3")).isInstanceOf(RelayQueue.QueueFull.class);
        assertThat(queue.list()).hasSize(2);
        queue.delete(second.id());
        assertThat(accept(queue, "b", "3").envelope().account()).isEqualTo("b");
    }

    @Test
    void retryNowAndRetryAllMakeDeferredMessagesDue() throws Exception {
        RelayQueue queue = queue();
        Entry a = accept(queue, "a", "a");
        Entry b = accept(queue, "b", "b");
        Entry c = accept(queue, "c", "c");
        for (Entry entry : queue.claim("h1", 10, LEASE, T0)) {
            queue.deferred(entry.id(), "h1", T0.plusSeconds(3600), "later");
        }
        Instant now = T0.plusSeconds(10);

        assertThat(queue.retryNow(a.id(), now)).isTrue();
        assertThat(queue.find(a.id()).orElseThrow().nextAttempt()).isEqualTo(now);
        assertThat(queue.retryNow(new MessageId("0000000000000000"), now)).isFalse();
        assertThat(ids(queue.claim("h1", 10, LEASE, now))).containsExactly(a.id());
        assertThat(queue.retryAll(now)).isEqualTo(2);
        assertThat(ids(queue.claim("h1", 10, LEASE, now))).containsExactly(b.id(), c.id());
    }

    @Test
    void deleteRemovesEvenALeasedMessage() throws Exception {
        RelayQueue queue = queue();
        Entry entry = accept(queue, "a", "x");
        queue.claim("h1", 10, LEASE, T0);

        assertThat(queue.delete(entry.id())).isTrue();
        assertThat(queue.delete(entry.id())).isFalse();
        assertThat(queue.find(entry.id())).isEmpty();
        assertThat(queue.delivered(entry.id(), "h1")).isFalse();
        assertThat(queue.counts()).isEqualTo(new RelayQueue.Counts(0, 0, 0, 0, Optional.empty()));
    }

    /** Hosts that claim and deliver at once: every message once, each account's in the order accepted. */
    @Test
    void concurrentAcceptsAndClaimsLoseNothingAndHandOutNothingTwice() throws Exception {
        RelayQueue queue = queue();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Entry>> accepts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String account = "acct" + (i % 5);
                accepts.add(() -> accept(queue, account, "message"));
            }
            List<MessageId> accepted = new ArrayList<>();
            for (Future<Entry> done : pool.invokeAll(accepts)) {
                accepted.add(done.get().id());
            }
            assertThat(accepted).doesNotHaveDuplicates();
            List<Entry> oldestFirst = queue.list();

            List<Entry> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Callable<Void>> hosts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String host = "h" + i;
                hosts.add(() -> {
                    for (int round = 0; round < 200 && !queue.list().isEmpty(); round++) {
                        for (Entry entry : queue.claim(host, 3, LEASE, T0)) {
                            delivered.add(entry);
                            assertThat(queue.delivered(entry.id(), host)).isTrue();
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(hosts)) {
                done.get();
            }
            assertThat(ids(delivered)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(accepted);
            for (int a = 0; a < 5; a++) {
                String account = "acct" + a;
                assertThat(ids(delivered.stream().filter(e -> e.envelope().account().equals(account)).toList()))
                        .as("account %s in the order accepted", account)
                        .containsExactlyElementsOf(ids(oldestFirst.stream().filter(e -> e.envelope().account().equals(account)).toList()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
