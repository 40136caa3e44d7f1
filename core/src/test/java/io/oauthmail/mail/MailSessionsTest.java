package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.error.MailFailure;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailSessionsTest {

    private static Sandbox sandbox;
    private static Account alice;
    private static Account bob;
    private static TokenStore store;
    private static TokenManager tokens;
    private static MailSessions sessions;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        store = EncryptedFileStore.openWithKeyFile(dir);
        tokens = new TokenManager(store, Clock.systemUTC());
        sessions = new MailSessions(tokens, Duration.ofSeconds(10));
        for (Account account : List.of(alice, bob)) {
            store.save(account.name(), SandboxLogins.login(sandbox, account).tokens());
        }
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void sendsHtmlWithATextAlternativeOverStartTlsAndSmtpsAndReadsItBackOverImaps() {
        SmtpSender sender = new SmtpSender(sessions);
        sender.send(alice, Email.to("bob@sandbox.test").subject("Über STARTTLS").html(
                "<h1>Hello</h1><p>See <a href=\"https://example.com/x\">the page</a></p>"));
        sender.send(SandboxAccounts.overSmtps(sandbox, alice), Email.to("bob@sandbox.test").subject("over SMTPS").html("<b>Hi</b>"));

        List<MessageSummary> inbox = new InboxReader(sessions).list(bob, "INBOX", 50);
        assertThat(inbox).extracting(MessageSummary::subject).contains("Über STARTTLS", "over SMTPS");
        MessageSummary first = inbox.stream().filter(m -> m.subject().equals("Über STARTTLS")).findFirst().orElseThrow();
        assertThat(first.parts()).containsExactly("text/plain", "text/html");
        assertThat(first.from()).contains("alice@sandbox.test");
    }

    @Test
    void aRefusedTokenIsRefreshedOnceAndTheLoginRetried() {
        TokenSet current = store.load(bob.name()).orElseThrow();
        // A token the server refuses but the store thinks is valid for an hour: the server has the last word.
        String refused = sandbox.issueAccessToken("alice@sandbox.test", Sandbox.MAIL_SCOPE, Duration.ofHours(1));
        store.save(bob.name(), new TokenSet(refused, Instant.now().plusSeconds(3600), current.refreshToken(),
                current.refreshTokenIssuedAt(), current.scopes(), null));
        int before = sandbox.tokenRequests("refresh_token");

        List<MessageSummary> inbox = new InboxReader(sessions).list(bob, "INBOX", 5);

        assertThat(inbox).isNotNull();
        assertThat(sandbox.tokenRequests("refresh_token") - before).isEqualTo(1);
        assertThat(store.load(bob.name()).orElseThrow().accessToken()).isNotEqualTo(refused);
    }

    @Test
    void aServerThatKeepsRefusingGetsADecodedErrorNotALoop() {
        // bob logs in as alice's address on the submission port: the token never names alice
        Account impostor = new Account(bob.name(), "alice@sandbox.test", bob.provider(), bob.clientId(), null, null,
                bob.caFile());
        int before = sandbox.tokenRequests("refresh_token");
        assertThatThrownBy(() -> new SmtpSender(sessions).send(impostor, Email.to("bob@sandbox.test").subject("x").text("x")))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("refused the token even after a refresh")
                .hasMessageContaining("invalid, expired or revoked")
                .hasMessageContaining("challenge {status=401") // answered through SASL, not a dropped connection
                .hasMessageContaining(Sandbox.MAIL_SCOPE);
        assertThat(sandbox.tokenRequests("refresh_token") - before).isEqualTo(1);
    }

    @Test
    void oauthBearerCanBeForcedAndIsRefusedCleanlyWhereTheServerLacksIt() {
        Account bearer = new Account(alice.name(), alice.email(), alice.provider(), alice.clientId(), null, null,
                alice.caFile(), null, "oauthbearer");
        new SmtpSender(sessions).send(bearer, Email.to("bob@sandbox.test").subject("over OAUTHBEARER").text("hi"));
        assertThat(new InboxReader(sessions).list(bob, "INBOX", 50)).extracting(MessageSummary::subject)
                .contains("over OAUTHBEARER");
        // GreenMail's IMAP offers only AUTH=XOAUTH2: refused before any token is sent
        assertThatThrownBy(() -> new InboxReader(sessions).list(bearer, "INBOX", 1)).isInstanceOf(MailFailure.class)
                .hasMessageContaining("offers none of OAUTHBEARER");
    }

    @Test
    void oauthBearerAnswersTheFailureChallengeAndReportsItsStatus() {
        Account bearer = new Account(alice.name(), alice.email(), alice.provider(), alice.clientId(), null, null,
                alice.caFile(), null, "oauthbearer");
        MailSessions.LoginAttempt attempt = sessions.tryLogin(bearer, MailProtocol.SMTP, "not-a-token");
        assertThat(attempt.accepted()).isFalse();
        assertThat(attempt.failureChallenge()).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo("invalid_token");
            assertThat(c.scope()).isEqualTo(Sandbox.MAIL_SCOPE);
        });
    }

    @Test
    void pop3WorksWithXoauth2() throws Exception {
        try (jakarta.mail.Store pop = sessions.pop3(bob)) {
            jakarta.mail.Folder inbox = pop.getFolder("INBOX");
            inbox.open(jakarta.mail.Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(0);
            inbox.close(false);
        }
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefusedWithTheFix() {
        Account noCa = new Account(bob.name(), bob.email(), bob.provider(), bob.clientId(), null, null, null);
        assertThatThrownBy(() -> new InboxReader(sessions).list(noCa, "INBOX", 1))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("certificate does not verify")
                .satisfies(e -> assertThat(((MailFailure) e).hint()).hasValueSatisfying(h -> assertThat(h).contains("--ca-file")));
    }

    @Test
    void aCaFileOfAnotherCaIsNoPassEitherWayAndTheServersOwnCaStillWorks(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path otherCa = io.oauthmail.sandbox.TestCertificateAuthority.create("Some Other CA")
                .writeCaCertificate(dir.resolve("other-ca.pem"));
        Account wrongCa = new Account(bob.name(), bob.email(), bob.provider(), bob.clientId(), null, null, otherCa);
        assertThatThrownBy(() -> new InboxReader(sessions).list(wrongCa, "INBOX", 1))
                .isInstanceOf(MailFailure.class)
                .hasMessageContaining("certificate does not verify");
        assertThat(new InboxReader(sessions).list(bob, "INBOX", 1)).isNotNull();
    }
}
