package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.FakeTime;
import io.oauthmail.testing.Mailboxes;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code written for plain Jakarta Mail (no password anywhere) gets a fresh token at every connection. */
class JakartaSessionTest {

    private static Sandbox sandbox;
    private static Account alice;
    private static EncryptedFileStore store;
    private static MailSessions sessions;
    private static FakeTime time;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        time = new FakeTime(Instant.now());
        sessions = new MailSessions(new TokenManager(store, time), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static MimeMessage message(Session session, String subject) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@sandbox.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@sandbox.test"));
        message.setSubject(subject);
        message.setText("sent by plain Jakarta Mail code");
        return message;
    }


    @Test
    void transportSendWithoutAPasswordLogsInWithTheTokenAndRefreshesAnExpiredOne() throws Exception {
        Session session = sessions.jakartaSession(alice, MailProtocol.SMTP);
        Transport.send(message(session, "plain jakarta 1"));
        assertThat(Mailboxes.received(sandbox, "plain jakarta 1")).isEqualTo(1);

        // An hour later the access token has expired; the next connection's token is refreshed first.
        TokenSet stored = store.load(alice.name()).orElseThrow();
        time.advance(Duration.between(Instant.now(), stored.expiresAt()).plusMinutes(1));
        int refreshes = sandbox.tokenRequests("refresh_token");
        Transport.send(message(session, "plain jakarta 2"));
        assertThat(Mailboxes.received(sandbox, "plain jakarta 2")).isEqualTo(1);
        assertThat(sandbox.tokenRequests("refresh_token") - refreshes).as("refreshed before the connection").isEqualTo(1);
        assertThat(store.load(alice.name()).orElseThrow().accessToken()).isNotEqualTo(stored.accessToken());
    }

    @Test
    void aStoreConnectsWithoutAPasswordToo() throws Exception {
        Session session = sessions.jakartaSession(alice, MailProtocol.IMAP);
        try (Store imap = session.getStore()) {
            imap.connect();
            Folder inbox = imap.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(0);
            inbox.close(false);
        }
    }
}
