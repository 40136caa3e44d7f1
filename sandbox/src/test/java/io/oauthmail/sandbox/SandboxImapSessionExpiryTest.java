package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.oauthmail.sandbox.RawImap.Response;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The IMAPS server ends a session when the token it authenticated with expires, as Gmail and Exchange Online do,
 * once a test asks: in IDLE, idle between commands, never early, never inside a response, and never a session
 * whose token is still good. Tokens live 2 to 6 s (a little less: {@code exp} is in whole seconds); the windows allow a busy two-core machine its delays.
 */
@Tag("slow") // waits for tokens to expire: about 30 s in all
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxImapSessionExpiryTest {

    private static final String ALICE = "alice@sandbox.test";
    private static final String BOB = "bob@sandbox.test";
    private static final String GMAIL_BYE = "* BYE Session expired, please login again.";
    private static final String MICROSOFT_BYE = "* BYE Session invalidated - AccessTokenExpired";
    /** How late a BYE may come after the token's exp on a loaded machine. */
    private static final long LATE_MILLIS = 2_500;

    private Sandbox sandbox;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private String token(String user, int seconds) {
        return sandbox.issueAccessToken(user, Sandbox.MAIL_SCOPE, Duration.ofSeconds(seconds));
    }

    private static long expiryMillis(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().getTime();
    }

    private RawImap loggedIn(String user, String token) throws Exception {
        RawImap imap = new RawImap(sandbox);
        assertThat(imap.authenticate(user, token)).startsWith("t1 OK");
        return imap;
    }

    /** Selects INBOX, enters IDLE, and checks the IDLE reports a message delivered now. */
    private void idleSeesNewMail(RawImap imap, String user, String subject) throws Exception {
        assertThat(imap.command("SELECT INBOX")).contains("OK");
        imap.send("IDLE");
        assertThat(imap.read().text()).startsWith("+");
        sandbox.deliver(user, message(user, subject));
        assertThat(imap.read().text()).matches("\\* \\d+ EXISTS");
    }

    private MimeMessage message(String to, String subject) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom("sender@sandbox.test");
        message.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
        message.setSubject(subject);
        message.setText("x".repeat(100));
        return message;
    }

    @Test
    void gmailSaysByeInIdleAtTheExpiryOfATokenFromTheFlowAndCloses() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.GMAIL);
        sandbox.setAccessTokenLifetime(Duration.ofSeconds(3));
        try {
            String token = new SandboxClient(sandbox).login(ALICE).accessToken();
            long expiry = expiryMillis(token);
            try (RawImap imap = loggedIn(ALICE, token)) {
                idleSeesNewMail(imap, ALICE, "before expiry");

                Response bye = imap.read();

                assertThat(bye.text()).isEqualTo(GMAIL_BYE);
                assertThat(bye.receivedAtMillis()).as("not before exp").isGreaterThanOrEqualTo(expiry);
                assertThat(bye.receivedAtMillis()).as("about at exp").isLessThan(expiry + LATE_MILLIS);
                assertThat(imap.closedByServer()).isTrue();
            }
        } finally {
            sandbox.setAccessTokenLifetime(Duration.ofHours(1));
        }
    }

    @Test
    void gmailEndsASessionIdleBetweenCommandsAtExpiry() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.GMAIL);
        String token = token(BOB, 3);
        long expiry = expiryMillis(token);
        try (RawImap imap = loggedIn(BOB, token)) {
            assertThat(imap.command("SELECT INBOX")).contains("OK");
            assertThat(imap.command("NOOP")).startsWith("t3 OK");

            Response bye = imap.read();

            assertThat(bye.text()).isEqualTo(GMAIL_BYE);
            assertThat(bye.receivedAtMillis()).isBetween(expiry, expiry + LATE_MILLIS);
            assertThat(imap.closedByServer()).isTrue();
        }
    }

    @Test
    void aSessionWhoseTokenIsStillGoodLivesOnAndANewLoginWorks() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.GMAIL);
        String shortToken = token(ALICE, 3);
        String longToken = token(ALICE, 6);
        try (RawImap shortLived = loggedIn(ALICE, shortToken); RawImap longLived = loggedIn(ALICE, longToken)) {
            assertThat(longLived.command("SELECT INBOX")).contains("OK");
            assertThat(shortLived.read().text()).isEqualTo(GMAIL_BYE);
            assertThat(shortLived.closedByServer()).isTrue();

            assertThat(longLived.readWithin(Duration.ofMillis(300))).as("nothing for the other session").isNull();
            assertThat(longLived.command("NOOP")).as("after the first token's expiry").startsWith("t3 OK");
            try (RawImap again = loggedIn(ALICE, token(ALICE, 60))) {
                idleSeesNewMail(again, ALICE, "after a new login");
                Response bye = longLived.read();
                assertThat(bye.text()).isEqualTo(GMAIL_BYE);
                assertThat(bye.receivedAtMillis()).isBetween(expiryMillis(longToken),
                        expiryMillis(longToken) + LATE_MILLIS);
                assertThat(again.readWithin(Duration.ofMillis(300))).as("the new session goes on").isNull();
                again.line("DONE");
                assertThat(again.untilTagged("t3").get(0)).startsWith("t3 OK");
            }
        }
    }

    @Test
    void theByeNeverLandsInsideAResponse() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.GMAIL);
        MimeMessage big = message(BOB, "big");
        big.setText("0123456789abcdef\r\n".repeat(64 * 1024)); // about 1.2 MB
        big.saveChanges();
        sandbox.deliver(BOB, big);
        String token = token(BOB, 4);
        try (RawImap imap = loggedIn(BOB, token)) {
            imap.command("SELECT INBOX");
            long bodies = 0;
            Response last;
            // Fetch every message, the big one included, again and again until the session ends: the BYE comes
            // between two responses, after the literal under way has been sent whole (RawImap checks each).
            do {
                imap.send("FETCH 1:* BODY.PEEK[]");
                last = imap.read();
                while (!last.text().startsWith("t") && !last.text().startsWith("* BYE")) {
                    bodies += last.literalBytes();
                    last = imap.read();
                }
            } while (!last.text().startsWith("* BYE"));

            assertThat(last.text()).isEqualTo(GMAIL_BYE);
            assertThat(bodies).isPositive();
            assertThat(imap.closedByServer()).isTrue();
        }
    }

    @Test
    void microsoftStaysSilentFromExpiryAndAnswersTheNextCommandWithBye() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.MICROSOFT);
        String token = token(ALICE, 3);
        long expiry = expiryMillis(token);
        try (RawImap imap = loggedIn(ALICE, token)) {
            idleSeesNewMail(imap, ALICE, "before expiry");
            long wait = expiry + 500 - System.currentTimeMillis();
            assertThat(imap.readWithin(Duration.ofMillis(Math.max(wait, 1)))).as("no BYE in IDLE").isNull();
            sandbox.deliver(ALICE, message(ALICE, "after expiry"));
            assertThat(imap.readWithin(Duration.ofMillis(500))).as("no news after expiry").isNull();

            imap.line("DONE");

            assertThat(imap.read().text()).isEqualTo(MICROSOFT_BYE);
            assertThat(imap.closedByServer()).isTrue();
        }
    }

    @Test
    void microsoftAnswersACommandBetweenIdlesWithBye() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.MICROSOFT);
        String token = token(BOB, 3);
        try (RawImap imap = loggedIn(BOB, token)) {
            assertThat(imap.command("NOOP")).startsWith("t2 OK");
            // the sandbox expires the session on its real clock, and silently: nothing to await but the time
            Thread.sleep(Math.max(0, expiryMillis(token) + 100 - System.currentTimeMillis()));

            imap.send("LIST \"\" \"*\"");

            assertThat(imap.read().text()).isEqualTo(MICROSOFT_BYE);
            assertThat(imap.closedByServer()).isTrue();
        }
    }

    @Test
    void angusMailInIdleLosesTheFolderAtExpiry() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.GMAIL);
        String token = token(BOB, 3);
        long expiry = expiryMillis(token);
        Properties props = new Properties();
        props.put("mail.imaps.auth.mechanisms", "XOAUTH2");
        props.put("mail.imaps.ssl.socketFactory", sandbox.clientTlsContext().getSocketFactory());
        props.put("mail.imaps.connectiontimeout", "5000");
        try (Store store = Session.getInstance(props).getStore("imaps")) {
            store.connect(sandbox.imaps().host(), sandbox.imaps().port(), BOB, token);
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            CompletableFuture<Long> idle = CompletableFuture.supplyAsync(() -> {
                try {
                    while (true) {
                        inbox.idle(); // returns after each change; throws when the session ends
                    }
                } catch (FolderClosedException e) {
                    return System.currentTimeMillis();
                } catch (MessagingException e) {
                    throw new IllegalStateException(e);
                }
            });

            long endedAt = idle.get(expiry + 10_000 - System.currentTimeMillis(), TimeUnit.MILLISECONDS);

            assertThat(endedAt).isBetween(expiry, expiry + LATE_MILLIS);
            assertThat(store.isConnected()).isFalse();
        }
    }

    @Test
    void withTheOptionOffSessionsOutliveTheirTokens() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.NEVER);
        String token = token(BOB, 3);
        try (RawImap imap = loggedIn(BOB, token)) {
            assertThat(imap.command("SELECT INBOX")).contains("OK");
            imap.send("IDLE");
            assertThat(imap.read().text()).startsWith("+");
            long wait = expiryMillis(token) + 1_000 - System.currentTimeMillis();
            assertThat(imap.readWithin(Duration.ofMillis(Math.max(wait, 1)))).as("no BYE").isNull();

            sandbox.deliver(BOB, message(BOB, "after expiry, option off"));

            assertThat(imap.read().text()).matches("\\* \\d+ EXISTS");
            imap.line("DONE");
            List<String> done = imap.untilTagged("t3");
            assertThat(done.get(0)).startsWith("t3 OK");
            assertThat(imap.command("NOOP")).startsWith("t4 OK");
        }
    }

    @Test
    void aPolicyAppliesToConnectionsOpenedAfterIt() throws Exception {
        sandbox.setImapSessionExpiry(ImapSessionExpiry.NEVER);
        String token = token(ALICE, 2);
        try (RawImap before = loggedIn(ALICE, token)) {
            sandbox.setImapSessionExpiry(ImapSessionExpiry.GMAIL);
            // a session that is NOT ended shows nothing: only real time past the expiry (and a margin) proves it
            Thread.sleep(Math.max(0, expiryMillis(token) + 1_000 - System.currentTimeMillis()));
            assertThat(before.command("NOOP")).startsWith("t2 OK");
        }
    }
}
