package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.testing.Mailboxes;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import io.oauthmail.token.TokenManager;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP proxy between legacy clients (Angus Mail, Python's smtplib) and the sandbox's real server. */
class SmtpProxyTest {

    private static Sandbox sandbox;
    private static SmtpProxy proxy;
    private static final String PASSWORD = "correct horse battery";

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sandbox = Sandbox.start();
        Account alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        LocalPasswords passwords = new LocalPasswords(dir.resolve("local-passwords"));
        passwords.set(alice.name(), PASSWORD.toCharArray());
        proxy = SmtpProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Map.of(alice.name(), alice),
                passwords, new TokenManager(store, Clock.systemUTC()), 50);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        sandbox.close();
    }

    private static void send(String user, String password, String subject) throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "PLAIN");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@sandbox.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@sandbox.test"));
        message.setSubject(subject);
        message.setText("through the proxy");
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect("127.0.0.1", proxy.port(), user, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private static boolean delivered(String subject) {
        return Mailboxes.delivered(sandbox, subject);
    }

    @Test
    void aLegacyClientWithThePasswordSendsThroughOAuthUpstream() throws Exception {
        int before = proxy.upstreamLogins();
        send("alice@sandbox.test", PASSWORD, "via proxy");
        assertThat(delivered("via proxy")).isTrue();
        assertThat(proxy.upstreamLogins() - before).isEqualTo(1);
    }

    @Test
    void aWrongPasswordIsAPlainFailureAndNothingGoesUpstream() {
        int proxyLogins = proxy.upstreamLogins();
        int serverLogins = sandbox.submissionLogins();
        assertThatThrownBy(() -> send("alice@sandbox.test", "not the password", "never"))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> send("mallory@sandbox.test", PASSWORD, "never")).isInstanceOf(AuthenticationFailedException.class);
        assertThat(proxy.upstreamLogins()).isEqualTo(proxyLogins);
        assertThat(sandbox.submissionLogins()).isEqualTo(serverLogins);
        assertThat(delivered("never")).isFalse();
    }

    @Test
    void nothingIsRelayedBeforeLoginAndOverLongLinesEndTheSession() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            out.write("MAIL FROM:<alice@sandbox.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("530");
            out.write(("EHLO " + "x".repeat(10_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("500 5.5.2");
            assertThat(in.readLine()).isNull(); // closed, not buffered forever
        }
    }

    @Test
    void pythonsSmtplibSendsThroughTheProxy() throws Exception {
        String script = String.join("\n",
                "import smtplib, sys",
                "from email.message import EmailMessage",
                "m = EmailMessage(); m['From'] = 'alice@sandbox.test'; m['To'] = 'bob@sandbox.test'",
                "m['Subject'] = 'via smtplib'; m.set_content('hello from python')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20) as s:",
                "    s.login('alice@sandbox.test', sys.argv[2])",
                "    s.send_message(m)");
        Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(proxy.port()), PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(delivered("via smtplib")).isTrue();
    }
}
