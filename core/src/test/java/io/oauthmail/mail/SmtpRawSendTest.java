package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.oauthmail.account.Account;
import io.oauthmail.error.MailFailure;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.sandbox.SubmissionFaults.Submitted;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SmtpSender#sendRaw}: a relay's message goes out byte for byte, with its own envelope. */
class SmtpRawSendTest {

    private static Sandbox sandbox;
    private static Account alice;
    private static MailSessions sessions;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir);
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        sessions = new MailSessions(new TokenManager(store, Clock.systemUTC()), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** Odd folding, a Bcc header, 8-bit text, a line that starts with a dot: all things a re-encoder would touch. */
    static byte[] oddMessage(String marker) {
        return ("From: Printer <alice@sandbox.test>\r\nTo: someone@elsewhere.example\r\nBcc: hidden@elsewhere.example\r\n"
                + "Subject: scan " + marker + "\r\n\t folded   oddly\r\nX-Odd:no-space\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße  \r\n.a line that starts with a dot\r\n..two\r\nno final newline")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Submitted received(String marker) {
        return sandbox.submissionFaults().received().stream()
                .filter(m -> new String(m.content(), StandardCharsets.UTF_8).contains(marker)).findFirst().orElseThrow();
    }

    @Test
    void contentGoesOutByteForByteWithTheEnvelopesRecipientsNotTheHeaders() {
        byte[] content = oddMessage("exact");
        try (SmtpSender sender = new SmtpSender(sessions)) {
            sender.sendRaw(alice, "alice@sandbox.test", List.of("bob@sandbox.test"), content);
        }
        Submitted got = received("exact");
        assertThat(got.mailFrom()).isEqualTo("alice@sandbox.test");
        assertThat(got.recipients()).containsExactly("bob@sandbox.test");
        // The server puts its Received line on top, as every MTA does; SMTP's DATA ends with CRLF "." CRLF, so a
        // message without a final line end gets one. Nothing else may change.
        String sent = new String(content, StandardCharsets.UTF_8);
        assertThat(got.asSent()).isIn(sent, sent + "\r\n");
    }

    @Test
    void anEmptySenderIsTheNullSenderOfABounce() {
        try (SmtpSender sender = new SmtpSender(sessions)) {
            sender.sendRaw(alice, "", List.of("bob@sandbox.test"), oddMessage("bounce"));
        }
        assertThat(received("bounce").mailFrom()).isEmpty();
    }

    @Test
    void refusedRecipientsAreReportedWithTheirCodesAndTheOthersStillGetIt() {
        sandbox.submissionFaults().refuseRecipient("bob@sandbox.test", 450, "4.2.0 greylisted, try again later");
        try (SmtpSender sender = new SmtpSender(sessions)) {
            MailFailure failure = catchThrowableOfType(() -> sender.sendRaw(alice, "alice@sandbox.test",
                    List.of("nobody@sandbox.test", "bob@sandbox.test", "alice@sandbox.test"), oddMessage("partial")),
                    MailFailure.class);
            SMTPSendFailedException sent = (SMTPSendFailedException) failure.getCause();
            assertThat(sent.getValidSentAddresses()).extracting(Object::toString).containsExactly("alice@sandbox.test");
            assertThat(refusals(sent)).containsExactly("nobody@sandbox.test 550", "bob@sandbox.test 450");
        } finally {
            sandbox.submissionFaults().clear();
        }
        assertThat(received("partial").recipients()).containsExactly("alice@sandbox.test");
    }


    static List<String> refusals(SMTPSendFailedException failure) {
        List<String> found = new java.util.ArrayList<>();
        for (Exception e = failure.getNextException(); e != null;
                e = e instanceof jakarta.mail.MessagingException m ? m.getNextException() : null) {
            if (e instanceof SMTPAddressFailedException refused) {
                found.add(refused.getAddress() + " " + refused.getReturnCode());
            }
        }
        return found;
    }
}
