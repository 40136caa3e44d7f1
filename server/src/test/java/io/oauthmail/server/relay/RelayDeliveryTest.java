package io.oauthmail.server.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.sandbox.SubmissionFaults;
import io.oauthmail.sandbox.SubmissionFaults.Submitted;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.proxy.ShiftedClock;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.Envelope;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workers against the sandbox's submission port, over real sockets, with its fault switches. */
class RelayDeliveryTest {

    static final String ALICE = "alice@sandbox.test";
    static final String BOB = "bob@sandbox.test";
    static final String CAROL = "carol@sandbox.test";

    private static Sandbox sandbox;
    private static EncryptedFileStore store;
    private static MailSessions sessions;
    private static Map<String, Account> accounts;

    private final ShiftedClock clock = new ShiftedClock();
    private final RecordedEvents events = new RecordedEvents();
    private final DaemonMetrics metrics = new DaemonMetrics();
    private RelayQueue queue;
    private RelayDelivery relay;
    @TempDir
    Path spool;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.builder().users(List.of(ALICE, BOB, CAROL)).start();
        store = EncryptedFileStore.openWithKeyFile(dir);
        accounts = Map.of(ALICE, SandboxAccounts.account(sandbox, ALICE), CAROL, SandboxAccounts.account(sandbox, CAROL));
        for (Account account : accounts.values()) {
            store.save(account.name(), SandboxLogins.login(sandbox, account).tokens());
        }
        sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void startRelay() throws Exception {
        queue = FileSpool.open(spool, FileSpool.Limits.defaults(), clock);
        RelayDelivery.Settings settings = new RelayDelivery.Settings("test-host", 2, Duration.ofMinutes(10),
                Duration.ofMillis(100), Duration.ofSeconds(30), Backoff.DEFAULT, Duration.ZERO);
        relay = new RelayDelivery(queue, name -> Optional.ofNullable(accounts.get(name)), account -> RelayRoute.SMTP, sessions,
                route -> {
                    throw new AssertionError("SMTP only here");
                }, events, metrics, clock, settings);
        relay.start();
    }

    @AfterEach
    void stopRelay() throws Exception {
        relay.close();
        queue.close();
        sandbox.submissionFaults().clear();
    }

    private Entry accept(String account, String from, List<String> to, byte[] content) throws Exception {
        return queue.accept(new Envelope(account, from, to, "127.0.0.1", clock.instant()), new ByteArrayInputStream(content),
                1 << 20);
    }

    static byte[] message(String marker) {
        return ("From: Printer <alice@sandbox.test>\r\nTo: bob@sandbox.test\r\nSubject: " + marker + "\r\n\t folded  oddly\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße\r\n.dot line\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<Submitted> received(String marker) {
        return sandbox.submissionFaults().received().stream()
                .filter(m -> new String(m.content(), StandardCharsets.UTF_8).contains(marker)).toList();
    }

    private void awaitEmpty() {
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.list().isEmpty());
    }

    @Test
    void aMessageGoesOutByteForByteWithItsEnvelope() throws Exception {
        Entry entry = accept(ALICE, ALICE, List.of(BOB), message("exact-1"));
        awaitEmpty();
        Submitted got = received("exact-1").get(0);
        assertThat(got.mailFrom()).isEqualTo(ALICE);
        assertThat(got.recipients()).containsExactly(BOB);
        assertThat(got.asSent()).isEqualTo(new String(message("exact-1"), StandardCharsets.UTF_8));
        assertThat(events.lines).containsExactly("delivered " + entry.id());
        assertThat(metrics.scrape()).contains("oauthmail_relay_messages_total{outcome=\"delivered\"} 1.0");
    }

    @Test
    void aWokenRelayDeliversWithoutWaitingForItsPoll() throws Exception {
        relay.close();
        relay = new RelayDelivery(queue, name -> Optional.ofNullable(accounts.get(name)), account -> RelayRoute.SMTP, sessions,
                route -> null, events, metrics, clock, new RelayDelivery.Settings("test-host", 2, Duration.ofMinutes(10),
                        Duration.ofHours(1), Duration.ofSeconds(30), Backoff.DEFAULT, Duration.ZERO));
        relay.start(); // its first poll runs at once and finds nothing; the next would be in an hour
        Thread.sleep(300);
        accept(ALICE, ALICE, List.of(BOB), message("woken-1"));
        relay.wake();
        awaitEmpty();
        assertThat(received("woken-1")).hasSize(1);
    }

    @Test
    void aBurstOfAcceptsIsDeliveredOnceItPausesOrAtTheLatestAfterTheBurstWait() throws Exception {
        relay.close();
        relay = new RelayDelivery(queue, name -> Optional.ofNullable(accounts.get(name)), account -> RelayRoute.SMTP, sessions,
                route -> null, events, metrics, clock, new RelayDelivery.Settings("test-host", 2, Duration.ofMinutes(10),
                        Duration.ofMillis(100), Duration.ofSeconds(30), Backoff.DEFAULT, Duration.ofSeconds(2)));
        relay.start();
        // a client sending every 50 ms: nothing is claimed while it sends, however often the poll runs...
        long start = System.nanoTime();
        for (int i = 0; i < 15; i++) {
            accept(ALICE, ALICE, List.of(BOB), message("burst-" + i));
            relay.wake();
            Thread.sleep(50);
        }
        assertThat(queue.list()).as("claimed during the burst").allMatch(entry -> entry.leasedBy().isEmpty()).hasSize(15);
        // ...and all of it goes out once the client pauses
        awaitEmpty();
        assertThat(received("burst-")).hasSize(15);

        // a client that never pauses is delivered alongside once the burst wait is over
        long sent = 0;
        start = System.nanoTime();
        while (received("stream-").isEmpty()) {
            accept(ALICE, ALICE, List.of(BOB), message("stream-" + sent++));
            relay.wake();
            Thread.sleep(50);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("delivery started within the burst wait")
                    .isLessThan(Duration.ofSeconds(6));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        awaitEmpty();
    }

    @Test
    void anAccountsMessagesShareOneLoggedInConnection() throws Exception {
        int logins = sandbox.submissionLogins();
        for (int i = 0; i < 4; i++) {
            accept(ALICE, ALICE, List.of(BOB), message("reuse-" + i));
        }
        awaitEmpty();
        assertThat(sandbox.submissionLogins() - logins).isEqualTo(1);
    }

    @Test
    void aWholeMessageRefusedFor5xxBouncesEveryRecipient() throws Exception {
        sandbox.submissionFaults().refuseNextMessages(1, 554, "5.7.1 Message rejected by policy");
        Entry entry = accept(ALICE, ALICE, List.of(BOB, CAROL), message("policy-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(entry.id()).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> events.lines.stream().filter(l -> l.startsWith("delivered")).count() == 1);
        assertThat(events.lines.get(0)).isEqualTo("bounced " + entry.id() + " [" + BOB + ", " + CAROL + "]");
        assertThat(received("policy-1")).allMatch(m -> m.mailFrom().isEmpty()).hasSize(1);
    }

    @Test
    void gmailsDailySendingLimitIsThrottlingNotABounce() throws Exception {
        sandbox.submissionFaults().refuseNextMessages(1, 550, "5.4.5 Daily user sending limit exceeded");
        Instant before = clock.instant();
        Entry entry = accept(ALICE, ALICE, List.of(BOB), message("quota-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(entry.id()).map(Entry::attempts).orElse(0) == 1);
        assertThat(queue.find(entry.id()).orElseThrow().nextAttempt()).isAfterOrEqualTo(before.plus(Duration.ofHours(1)));
        assertThat(events.lines).containsExactly("deferred " + entry.id());
    }

    @Test
    void aTemporaryRefusalIsDeferredWithBackoffThenDelivered() throws Exception {
        sandbox.submissionFaults().refuseNextMessages(1, 421, "4.7.0 Try again later, closing connection");
        Instant before = clock.instant();
        Entry entry = accept(ALICE, ALICE, List.of(BOB), message("later-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(entry.id()).map(Entry::attempts).orElse(0) == 1);
        Entry deferred = queue.find(entry.id()).orElseThrow();
        assertThat(deferred.lastError().orElseThrow()).contains("4.7.0 Try again later");
        assertThat(deferred.nextAttempt()).isBetween(before.plusSeconds(60), clock.instant().plusSeconds(60));
        assertThat(received("later-1")).isEmpty();

        clock.advance(Duration.ofSeconds(61));
        awaitEmpty();
        assertThat(received("later-1")).hasSize(1);
        assertThat(events.lines).containsExactly("deferred " + entry.id(), "delivered " + entry.id());
    }

    @Test
    void anAccountsMailGoesOutInOrderAfterAnOutage() throws Exception {
        sandbox.submissionFaults().refuseNextMessages(2, 451, "4.3.0 Mail server temporarily rejected message");
        Entry first = accept(ALICE, ALICE, List.of(BOB), message("order-0"));
        for (int i = 1; i < 5; i++) {
            accept(ALICE, ALICE, List.of(BOB), message("order-" + i));
        }
        // Whether the younger ones were claimed with it (and deferred behind it untried) or left in the queue
        // until it is due again is the queue's choice; either way none may go out before it.
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(first.id()).orElseThrow().attempts() == 1);
        clock.advance(Duration.ofSeconds(61)); // the first is tried again and refused again: all wait 2 more minutes
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(first.id()).orElseThrow().attempts() == 2);
        assertThat(sandbox.submissionFaults().received().stream().filter(m -> text(m).contains("order-"))).isEmpty();
        clock.advance(Duration.ofSeconds(121));
        awaitEmpty();
        List<String> order = sandbox.submissionFaults().received().stream().map(RelayDeliveryTest::text)
                .filter(t -> t.contains("order-")).map(t -> t.substring(t.indexOf("order-"), t.indexOf("order-") + 7)).toList();
        assertThat(order).containsExactly("order-0", "order-1", "order-2", "order-3", "order-4");
    }

    @Test
    void aRetryAfterATemporaryFailureSendsAtOnceNotAfterTheBackoff() throws Exception {
        sandbox.submissionFaults().refuseNextMessages(1, 451, "4.3.0 Mail server temporarily rejected message");
        Entry entry = accept(ALICE, ALICE, List.of(BOB), message("retried-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(entry.id()).orElseThrow().attempts() == 1);
        assertThat(queue.find(entry.id()).orElseThrow().nextAttempt()).isAfter(clock.instant().plusSeconds(30));

        assertThat(queue.retryNow(entry.id(), clock.instant())).isTrue(); // oauthmail queue retry ID; the clock stays
        awaitEmpty();
        assertThat(received("retried-1")).hasSize(1);
    }

    @Test
    void refusedRecipientsBounceToTheSenderAndTheOthersGetItOnce() throws Exception {
        Entry entry = accept(ALICE, ALICE, List.of(BOB, "nobody@sandbox.test"), message("partial-1"));
        awaitEmpty();
        List<Submitted> sent = received("partial-1").stream().filter(m -> !m.mailFrom().isEmpty()).toList();
        assertThat(sent).hasSize(1); // the bounce, below, carries the subject in its headers part too
        assertThat(sent.get(0).recipients()).containsExactly(BOB);
        Submitted bounce = sandbox.submissionFaults().received().stream()
                .filter(m -> text(m).contains("Undelivered Mail") && text(m).contains("partial-1")).findFirst().orElseThrow();
        assertThat(bounce.mailFrom()).isEmpty();
        assertThat(bounce.recipients()).containsExactly(ALICE);

        MimeMessage dsn = sandbox.receivedMessages().stream().filter(m -> subject(m).equals("Undelivered Mail Returned to Sender"))
                .findFirst().orElseThrow();
        assertThat(dsn.getContentType()).contains("report-type=delivery-status");
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        ((MimeMultipart) dsn.getContent()).getBodyPart(1).getDataHandler().writeTo(status);
        assertThat(status.toString(StandardCharsets.UTF_8)).contains("Final-Recipient: rfc822; nobody@sandbox.test",
                "Action: failed", "Status: 5.1.1").doesNotContain(BOB);
        assertThat(events.lines).contains("bounced " + entry.id() + " [nobody@sandbox.test]", "delivered " + entry.id());
    }

    @Test
    void aFailedBounceIsDroppedNotBounced() throws Exception {
        Entry entry = accept(ALICE, "", List.of("nobody@sandbox.test"), message("bounce-of-bounce"));
        awaitEmpty();
        assertThat(events.lines).containsExactly("dropped " + entry.id());
        assertThat(sandbox.submissionFaults().received().stream().filter(m -> text(m).contains("bounce-of-bounce"))).isEmpty();
    }

    @Test
    void aLostGrantHoldsTheAccountsQueueUntilItLogsInAgain() throws Exception {
        Account carol = accounts.get(CAROL);
        store.save(CAROL, new TokenSet("expired", Instant.now().minusSeconds(60), "revoked-refresh-token", null, List.of(), null));
        Entry first = accept(CAROL, CAROL, List.of(BOB), message("held-1"));
        Entry second = accept(CAROL, CAROL, List.of(BOB), message("held-2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> events.lines.contains("held " + CAROL + " " + carol.loginCommand()));
        assertThat(queue.find(first.id()).orElseThrow().heldBecause()).isPresent();
        assertThat(queue.find(second.id()).orElseThrow().heldBecause()).isPresent();
        clock.advance(Duration.ofHours(2)); // held, not deferred: time alone does not send it
        Thread.sleep(500);
        assertThat(received("held-")).isEmpty();

        store.save(CAROL, SandboxLogins.login(sandbox, carol).tokens()); // the user ran oauthmail login
        awaitEmpty();
        assertThat(events.lines).contains("released " + CAROL);
        assertThat(sandbox.submissionFaults().received().stream().map(RelayDeliveryTest::text).filter(t -> t.contains("held-"))
                .map(t -> t.substring(t.indexOf("held-"), t.indexOf("held-") + 6))).containsExactly("held-1", "held-2");
    }

    @Test
    void aMessageStillRefusedAfterTheMaxQueueTimeBouncesWithTheLastReply() throws Exception {
        sandbox.submissionFaults().refuseNextMessages(2, 421, "4.7.0 Try again later");
        Entry entry = accept(ALICE, ALICE, List.of(BOB), message("expired-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> queue.find(entry.id()).map(Entry::attempts).orElse(0) == 1);
        clock.advance(Duration.ofDays(5));
        awaitEmpty();
        assertThat(events.lines).hasSize(3).startsWith("deferred " + entry.id(), "bounced " + entry.id() + " [" + BOB + "]");
        assertThat(events.lines.get(2)).startsWith("delivered ").isNotEqualTo("delivered " + entry.id()); // the bounce
        Submitted bounce = sandbox.submissionFaults().received().stream()
                .filter(m -> m.mailFrom().isEmpty() && text(m).contains("expired-1")).findFirst().orElseThrow();
        assertThat(text(bounce)).contains("Status: 4.7.0", "gave up after 120 hours in the queue: 421 4.7.0 Try again later");
        assertThat(received("expired-1").stream().filter(m -> !m.mailFrom().isEmpty())).isEmpty();
    }

    @Test
    void heldMailBouncesOnceItHasBeenQueuedForTheMaxQueueTime() throws Exception {
        Account carol = accounts.get(CAROL);
        TokenSet good = store.load(CAROL).orElseThrow();
        store.save(CAROL, new TokenSet("expired", Instant.now().minusSeconds(60), "revoked-refresh-token", null, List.of(), null));
        try {
            Entry entry = accept(CAROL, CAROL, List.of(BOB), message("held-expired"));
            await().atMost(Duration.ofSeconds(20)).until(() -> events.lines.contains("held " + CAROL + " " + carol.loginCommand()));
            clock.advance(Duration.ofDays(5).plusMinutes(2));
            await().atMost(Duration.ofSeconds(20)).until(() -> events.lines.contains("bounced " + entry.id() + " [" + BOB + "]"));
            assertThat(queue.find(entry.id())).isEmpty();
            // the bounce goes back to carol through carol's account, so it waits, held, for her login
            await().atMost(Duration.ofSeconds(20)).until(() -> queue.list().stream().anyMatch(e -> e.heldBecause().isPresent()
                    && e.envelope().mailFrom().isEmpty()));
        } finally {
            store.save(CAROL, good);
        }
    }

    static String text(Submitted m) {
        return new String(m.content(), StandardCharsets.UTF_8);
    }

    private static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}
