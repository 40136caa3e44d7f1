package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.MailFailure;
import io.oauthmail.account.Account;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import io.oauthmail.token.TokenSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    private static long inBobsMailbox(String subject) {
        return sandbox.receivedMessages().stream().filter(m -> {
            try {
                return subject.equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).count();
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
        assertThat(inBobsMailbox("batch")).isEqualTo(25);
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
        assertThat(inBobsMailbox("after the drop")).isEqualTo(1);
    }
}
