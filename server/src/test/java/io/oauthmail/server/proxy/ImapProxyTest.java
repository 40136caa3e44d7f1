package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IMAP proxy between legacy clients (Angus Mail, Python's imaplib) and the sandbox's IMAPS server. */
class ImapProxyTest {

    private static final String PASSWORD = "a \"quoted\" local password";
    private static Sandbox sandbox;
    private static ImapProxy proxy;
    private static Account bob;
    private static SmtpSender alice;
    private static Account aliceAccount;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sandbox = Sandbox.start();
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
        bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        aliceAccount = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        store.save(bob.name(), SandboxLogins.login(sandbox, bob).tokens());
        store.save(aliceAccount.name(), SandboxLogins.login(sandbox, aliceAccount).tokens());
        LocalPasswords passwords = new LocalPasswords(dir.resolve("local-passwords"));
        passwords.set(bob.name(), PASSWORD.toCharArray());
        TokenManager tokens = new TokenManager(store, Clock.systemUTC());
        proxy = ImapProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(bob.name(), bob),
                passwords, tokens, 50);
        alice = new SmtpSender(new MailSessions(tokens, Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        alice.close();
        proxy.close();
        sandbox.close();
    }

    private static Store connect(String password) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.imap.connectiontimeout", "5000");
        Store store = Session.getInstance(props).getStore("imap");
        store.connect("127.0.0.1", proxy.port(), bob.name(), password);
        return store;
    }

    private static List<String> subjects(Store store) throws MessagingException {
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        List<String> subjects = new ArrayList<>();
        for (Message m : inbox.getMessages()) {
            subjects.add(m.getSubject());
        }
        inbox.close(false);
        return subjects;
    }

    @Test
    void aLegacyClientReadsThroughOAuthUpstream() throws Exception {
        alice.send(aliceAccount, Email.to("bob@sandbox.test").subject("read me via the proxy").text("hi"));
        int before = proxy.upstreamLogins();
        try (Store store = connect(PASSWORD)) {
            assertThat(subjects(store)).contains("read me via the proxy");
        }
        assertThat(proxy.upstreamLogins() - before).isEqualTo(1);
    }

    @Test
    void idleSeesANewMessageThroughTheRelay() throws Exception {
        try (Store store = connect(PASSWORD)) {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            int count = inbox.getMessageCount();
            CompletableFuture<Void> idle = CompletableFuture.runAsync(() -> {
                try {
                    inbox.idle(true); // returns when the server reports a change
                } catch (MessagingException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Angus Mail shows nothing when its IDLE has begun, and a message before it would go unreported: real time
            Thread.sleep(500);
            alice.send(aliceAccount, Email.to("bob@sandbox.test").subject("during idle").text("hi"));
            idle.get(20, TimeUnit.SECONDS);
            assertThat(inbox.getMessageCount()).isGreaterThan(count);
            inbox.close(false);
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutGoingUpstream() {
        int before = proxy.upstreamLogins();
        assertThatThrownBy(() -> connect("wrong").close()).isInstanceOf(AuthenticationFailedException.class);
        assertThat(proxy.upstreamLogins()).isEqualTo(before);
    }

    @Test
    void pythonsImaplibLogsInAndSearches() throws Exception {
        alice.send(aliceAccount, Email.to("bob@sandbox.test").subject("for imaplib").text("hi"));
        String script = String.join("\n",
                "import imaplib, sys",
                "m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))",
                "m.login('bob@sandbox.test', sys.argv[2])",
                "typ, _ = m.select('INBOX', readonly=True)",
                "typ, data = m.search(None, 'SUBJECT', '\"for imaplib\"')",
                "print(typ, len(data[0].split()))",
                "m.logout()");
        Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(proxy.port()), PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(output.strip()).isEqualTo("OK 1");
    }
}
