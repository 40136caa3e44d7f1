package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link InboxReader#fetch} asks the IMAP server for, read off the protocol trace. */
class InboxReaderTest {

    private static final int MESSAGES = 6;
    /** A server's answer that carries (the first 16 KB of) a message: "* 5 FETCH (BODY[]<0>{941}". */
    private static final Pattern BODY_SENT = Pattern.compile("(?m)^\\* \\d+ FETCH .*BODY\\[\\]");
    private static final Pattern ENVELOPE_ASKED = Pattern.compile("(?m)^[A-Z]\\d+ (UID )?FETCH .*ENVELOPE");

    private static Sandbox sandbox;
    private static Account bob;
    private static TokenManager tokens;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sandbox = Sandbox.start();
        bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        TokenStore store = EncryptedFileStore.openWithKeyFile(dir);
        tokens = new TokenManager(store, Clock.systemUTC());
        store.save(bob.name(), SandboxLogins.login(sandbox, bob).tokens());
        try (Store imap = new MailSessions(tokens, Duration.ofSeconds(10)).imap(bob)) {
            Folder folder = imap.getFolder("Limits");
            folder.create(Folder.HOLDS_MESSAGES);
            Message[] messages = new Message[MESSAGES];
            for (int i = 0; i < MESSAGES; i++) {
                MimeMessage m = new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()));
                m.setFrom("alice@sandbox.test");
                m.setSubject("message " + (i + 1));
                m.setText("body " + (i + 1) + "\n" + "x".repeat(2000));
                messages[i] = m;
            }
            folder.appendMessages(messages);
        }
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** Fetches with a protocol trace; returns the trace and puts the result in {@code into[0]}. */
    private static String traced(Fetched[] into, long afterUid, int limit, InboxReader.Pick pick, boolean withRaw) {
        ByteArrayOutputStream trace = new ByteArrayOutputStream();
        MailSessions sessions = new MailSessions(tokens, Duration.ofSeconds(10), new PrintStream(trace, true, StandardCharsets.UTF_8));
        into[0] = new InboxReader(sessions).fetch(bob, "Limits", 0, afterUid, limit, pick, withRaw);
        return trace.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLimitOfOneFetchesOneBodyAndOneRoundOfEnvelopes() {
        Fetched[] fetched = new Fetched[1];
        String trace = traced(fetched, 0, 1, InboxReader.Pick.NEWEST, true);

        assertThat(fetched[0].messages()).extracting(m -> m.summary().subject()).containsExactly("message " + MESSAGES);
        assertThat(new String(fetched[0].messages().get(0).raw(), StandardCharsets.US_ASCII)).contains("body " + MESSAGES);
        assertThat(BODY_SENT.matcher(trace).results().count()).as(trace).isEqualTo(1);
        assertThat(ENVELOPE_ASKED.matcher(trace).results().count()).as(trace).isEqualTo(1);
    }

    @Test
    void newMessagesAreTakenFromTheOldestSoNoneIsSkipped() {
        Fetched[] fetched = new Fetched[1];
        String trace = traced(fetched, 2, 2, InboxReader.Pick.OLDEST, true); // UIDs 3..6 are new; show 3 and 4

        assertThat(fetched[0].messages()).extracting(m -> m.summary().subject()).containsExactly("message 3", "message 4");
        assertThat(fetched[0].lastUid(2)).isEqualTo(4);
        assertThat(fetched[0].left()).isEqualTo(2);
        assertThat(BODY_SENT.matcher(trace).results().count()).as(trace).isEqualTo(2);
    }

    @Test
    void summariesAloneFetchNoBody() {
        Fetched[] fetched = new Fetched[1];
        String trace = traced(fetched, 0, MESSAGES, InboxReader.Pick.NEWEST, false);

        assertThat(fetched[0].messages()).hasSize(MESSAGES);
        assertThat(fetched[0].messages().get(0).summary().parts()).containsExactly("text/plain");
        assertThat(BODY_SENT.matcher(trace).results().count()).as(trace).isZero();
    }
}
