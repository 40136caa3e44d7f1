package io.oauthmail.mail;

import static io.oauthmail.mail.MimeComposerTest.PNG;
import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Store;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimePart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A composed message goes through the sandbox's submission port and keeps its MIME tree in the mailbox. */
@Tag("slow") // starts a sandbox: a few seconds
class ComposedMailDeliveryTest {

    private static Sandbox sandbox;
    private static MailSessions sessions;
    private static Account alice;
    private static Account bob;
    private static Account carol;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.builder().users(List.of("alice@sandbox.test", "bob@sandbox.test", "carol@sandbox.test")).start();
        TokenStore store = EncryptedFileStore.openWithKeyFile(dir);
        sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(10));
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        carol = SandboxAccounts.account(sandbox, "carol@sandbox.test");
        for (Account account : List.of(alice, bob, carol)) {
            store.save(account.name(), SandboxLogins.login(sandbox, account).tokens());
        }
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void inlineImageAndAttachmentSurviveSmtpAndImap(@TempDir Path dir) throws Exception {
        Path report = Files.writeString(dir.resolve("Jahresbericht 2024 – März.pdf"), "%PDF-1.4 fake", StandardCharsets.US_ASCII);
        String id = new SmtpSender(sessions).send(alice, Email.to("Bob Ørsted <bob@sandbox.test>")
                .bcc("carol@sandbox.test").subject("Bericht für März")
                .html("<p><img src=\"cid:logo\" alt=\"ACME\"> Hallo Bob, <b>der Bericht</b> ist angehängt.</p>")
                .inline("logo", PNG, "image/png").attach(report));

        readMessage(bob, id, m -> {
            assertThat(MimeComposerTest.tree(m)).isEqualTo(
                    "multipart/mixed[multipart/related[multipart/alternative[text/plain, text/html], image/png], application/pdf]");
            assertThat(m.getSubject()).isEqualTo("Bericht für März");
            assertThat(m.getHeader("Bcc")).isNull();
            Multipart mixed = (Multipart) m.getContent();
            Multipart related = (Multipart) mixed.getBodyPart(0).getContent();
            BodyPart text = ((Multipart) related.getBodyPart(0).getContent()).getBodyPart(0);
            // the server may drop the line end before the boundary: it belongs to the delimiter (RFC 2046 5.1.1)
            assertThat(((String) text.getContent()).strip()).isEqualTo("ACME Hallo Bob, der Bericht ist angehängt.");
            BodyPart image = related.getBodyPart(1);
            // as the server's BODYSTRUCTURE reports it (GreenMail does not serve the part's MIME headers alone)
            assertThat(((MimePart) image).getContentID()).isEqualTo("<logo>");
            assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
            assertThat(image.getInputStream().readAllBytes()).isEqualTo(PNG);
            BodyPart pdf = mixed.getBodyPart(1);
            assertThat(pdf.getDisposition()).isEqualTo(Part.ATTACHMENT);
            assertThat(pdf.getFileName()).isEqualTo("Jahresbericht 2024 – März.pdf");
            assertThat(new ContentType(mixed.getBodyPart(0).getContentType()).getParameter("type"))
                    .isEqualTo("multipart/alternative");
        });
        // carol is only in the envelope: she gets the message, and nobody's copy names her
        readMessage(carol, id, m -> assertThat(m.getHeader("Bcc")).isNull());
    }

    private static void readMessage(Account account, String messageId, ThrowingConsumer<Message> check) throws Exception {
        try (Store store = sessions.imap(account)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Optional<Message> found = Optional.empty();
                for (Message m : inbox.getMessages()) {
                    String[] ids = m.getHeader("Message-ID");
                    if (ids != null && Arrays.asList(ids).contains(messageId)) {
                        found = Optional.of(m);
                    }
                }
                assertThat(found).as("message %s in %s's INBOX", messageId, account.name()).isPresent();
                check.accept(found.get());
            } finally {
                inbox.close(false);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }
}
