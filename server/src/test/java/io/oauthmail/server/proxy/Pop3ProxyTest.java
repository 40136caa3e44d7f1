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
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pop3ProxyTest {

    private static final String PASSWORD = "pop local password";
    private static Sandbox sandbox;
    private static Pop3Proxy proxy;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sandbox = Sandbox.start();
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
        Account bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        Account alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        store.save(bob.name(), SandboxLogins.login(sandbox, bob).tokens());
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        LocalPasswords passwords = new LocalPasswords(dir.resolve("local-passwords"));
        passwords.set(bob.name(), PASSWORD.toCharArray());
        TokenManager tokens = new TokenManager(store, Clock.systemUTC());
        try (SmtpSender sender = new SmtpSender(new MailSessions(tokens, Duration.ofSeconds(10)))) {
            sender.send(alice, Email.to("bob@sandbox.test").subject("for pop").text("hi"));
        }
        proxy = Pop3Proxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(bob.name(), bob),
                passwords, tokens, 50);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        sandbox.close();
    }

    private static Store connect(String password) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("pop3");
        store.connect("127.0.0.1", proxy.port(), "bob@sandbox.test", password);
        return store;
    }

    @Test
    void aLegacyClientReadsThroughOAuthUpstream() throws Exception {
        try (Store store = connect(PASSWORD)) {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isGreaterThanOrEqualTo(1);
            assertThat(inbox.getMessage(inbox.getMessageCount()).getSubject()).isEqualTo("for pop");
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
    void pythonsPoplibLogsInAndCounts() throws Exception {
        String script = String.join("\n", "import poplib, sys",
                "p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=20)",
                "p.user('bob@sandbox.test'); p.pass_(sys.argv[2])",
                "count, size = p.stat(); print('OK' if count >= 1 else 'EMPTY'); p.quit()");
        Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(proxy.port()), PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(output.strip()).isEqualTo("OK");
    }
}
