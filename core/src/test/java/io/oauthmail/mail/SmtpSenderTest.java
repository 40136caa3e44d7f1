package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.oauthmail.OAuthMail;
import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.MailFailure;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.Mailboxes;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpSenderTest {

    private static Sandbox sandbox;
    private static Account alice;
    private static EncryptedFileStore store;
    private static MailSessions sessions;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }


    @Test
    void manyMessagesShareOneLogin() {
        int logins = sandbox.submissionLogins();
        try (SmtpSender sender = new SmtpSender(sessions)) {
            for (int i = 0; i < 25; i++) {
                sender.send(alice, Email.to("bob@sandbox.test").subject("batch").text("message " + i));
            }
        }
        assertThat(sandbox.submissionLogins() - logins).isEqualTo(1);
        assertThat(Mailboxes.received(sandbox, "batch")).isEqualTo(25);
    }

    @Test
    void aTokenAboutToExpireMeansANewLoginWithAFreshToken() {
        try (SmtpSender sender = new SmtpSender(sessions)) {
            sender.send(alice, Email.to("bob@sandbox.test").subject("before").text("x"));
            int logins = sandbox.submissionLogins();
            TokenSet stored = store.load(alice.name()).orElseThrow();
            store.save(alice.name(), stored.withExpiresAt(Instant.now().plusSeconds(60))); // inside the margin
            // the open connection was made with a token that the sender knew would last: still valid for it
            sender.send(alice, Email.to("bob@sandbox.test").subject("same login").text("x"));
            assertThat(sandbox.submissionLogins() - logins).isZero();
        }
        // a sender that connects now sees the token inside the margin: refresh, then a new login
        int logins = sandbox.submissionLogins();
        int refreshes = sandbox.tokenRequests("refresh_token");
        try (SmtpSender sender = new SmtpSender(sessions)) {
            sender.send(alice, Email.to("bob@sandbox.test").subject("after").text("x"));
        }
        assertThat(sandbox.tokenRequests("refresh_token") - refreshes).isEqualTo(1);
        assertThat(sandbox.submissionLogins() - logins).isEqualTo(1);
    }

    @Test
    void aConnectionDroppedMidDataIsAFailedMessageAndTheNextOneGoesThrough() {
        try (SmtpSender sender = new SmtpSender(sessions)) {
            assertThatThrownBy(() -> sender.send(alice, Email.to(Sandbox.dropDuringDataRecipient()).subject("lost?")
                    .text("x".repeat(10_000))))
                    .isInstanceOf(MailFailure.class)
                    .hasMessageContaining("was not sent").hasMessageContaining("alice@sandbox.test");
            sender.send(alice, Email.to("bob@sandbox.test").subject("after the drop").text("x"));
        }
        assertThat(Mailboxes.received(sandbox, "after the drop")).isEqualTo(1);
    }

    // ---- SmtpPool: many threads, N connections: every message once, each connection logged in once, never more than N

    /** Runs {@code task(i)} for i in [0, count) on {@code threads} threads; returns the ids they gave. */
    private static Set<String> inParallel(int threads, int count, java.util.function.IntFunction<String> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                results.add(pool.submit(() -> task.apply(n)));
            }
            Set<String> ids = ConcurrentHashMap.newKeySet();
            for (Future<String> result : results) {
                ids.add(result.get());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eightThreadsShareThreeConnections() throws Exception {
        int logins = sandbox.submissionLogins();
        Set<String> ids;
        try (SmtpPool pool = new SmtpPool(sessions, 3)) {
            ids = inParallel(8, 80, i -> pool.send(alice, Email.to("bob@sandbox.test").subject("pooled").text("message " + i)));
        }
        assertThat(ids).hasSize(80);
        assertThat(Mailboxes.received(sandbox, "pooled")).isEqualTo(80);
        assertThat(sandbox.submissionLogins() - logins).as("logins").isBetween(1, 3);
    }

    @Test
    void oneThreadKeepsToOneConnection() {
        int logins = sandbox.submissionLogins();
        try (SmtpPool pool = new SmtpPool(sessions, 4)) {
            for (int i = 0; i < 15; i++) {
                pool.send(alice, Email.to("bob@sandbox.test").subject("one thread").text("message " + i));
            }
        }
        assertThat(Mailboxes.received(sandbox, "one thread")).isEqualTo(15);
        assertThat(sandbox.submissionLogins() - logins).isEqualTo(1);
    }

    @Test
    void oauthMailSendIsSafeFromManyThreadsAndKeepsToItsLimit() throws Exception {
        int logins = sandbox.submissionLogins();
        try (OAuthMail mail = OAuthMail.of(store, alice).connectionsPerAccount(2)) {
            Set<String> ids = inParallel(6, 30, i -> mail.send(alice.name(),
                    Email.to("bob@sandbox.test").subject("library threads").text("message " + i)));
            assertThat(ids).hasSize(30);
        }
        assertThat(Mailboxes.received(sandbox, "library threads")).isEqualTo(30);
        assertThat(sandbox.submissionLogins() - logins).isBetween(1, 2);
    }

    @Test
    void aServerThatIsNotThereFailsBeforeSendingAndTheNextSendTriesAgain() throws Exception {
        int dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            dead = socket.getLocalPort();
        }
        Account nowhere = alice.withProvider(alice.provider().withSmtp(
                new io.oauthmail.provider.MailServer("127.0.0.1", dead, io.oauthmail.provider.TlsMode.PLAIN)));
        try (SmtpPool pool = new SmtpPool(sessions, 2)) {
            for (int attempt = 0; attempt < 2; attempt++) {
                MailFailure failure = catchThrowableOfType(
                        () -> pool.send(nowhere, Email.to("bob@sandbox.test").subject("nowhere").text("x")), MailFailure.class);
                assertThat(failure.beforeSending()).isTrue();
                assertThat(failure.networkTrouble()).isTrue();
                assertThat(failure.getMessage()).contains("127.0.0.1:" + dead);
            }
        }
    }
}
