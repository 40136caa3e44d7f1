package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.Account;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.SmtpSender;
import io.oauthmail.mail.TlsTrust;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local TLS on the three proxies, with real clients that trust only the proxy's generated certificate: Angus
 * Mail, Python's smtplib/imaplib/poplib and curl, against the sandbox's real servers upstream.
 */
class LocalTlsTest {

    private static final String PASSWORD = "tls local password";
    private static Sandbox sandbox;
    private static Account alice;
    private static Account bob;
    private static LocalCertificate certificate;
    private static SSLSocketFactory trustingTheProxy;
    private static SmtpProxy smtp;
    private static ImapProxy imap;
    private static Pop3Proxy pop3;
    private static ImapProxy imaps;
    private static final List<AutoCloseable> running = new java.util.ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        sandbox = Sandbox.start();
        alice = SandboxAccounts.account(sandbox, "alice@sandbox.test");
        bob = SandboxAccounts.account(sandbox, "bob@sandbox.test");
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        store.save(bob.name(), SandboxLogins.login(sandbox, bob).tokens());
        LocalPasswords passwords = new LocalPasswords(dir.resolve("local-passwords"));
        passwords.set(alice.name(), PASSWORD.toCharArray());
        passwords.set(bob.name(), PASSWORD.toCharArray());
        TokenManager tokens = new TokenManager(store, Clock.systemUTC());
        try (SmtpSender sender = new SmtpSender(new MailSessions(tokens, Duration.ofSeconds(10)))) {
            sender.send(alice, Email.to("bob@sandbox.test").subject("over local tls").text("hi"));
        }
        certificate = LocalCertificate.generated(dir.resolve("proxy-tls"), List.of(), Clock.systemUTC());
        trustingTheProxy = TlsTrust.socketFactory(certificate.certFile());
        Map<String, Account> accounts = Map.of(alice.name(), alice, bob.name(), bob);
        smtp = track(SmtpProxy.start(options("smtp", LocalTls.Mode.STARTTLS, Optional.empty()), accounts, passwords, tokens));
        imap = track(ImapProxy.start(options("imap", LocalTls.Mode.STARTTLS, Optional.empty()), accounts, passwords, tokens));
        pop3 = track(Pop3Proxy.start(options("pop", LocalTls.Mode.STARTTLS, Optional.empty()), accounts, passwords, tokens));
        imaps = track(ImapProxy.start(options("imaps", LocalTls.Mode.IMPLICIT, Optional.empty()), accounts, passwords, tokens));
    }

    private static ListenerOptions options(String name, LocalTls.Mode mode, Optional<MailServer> upstream) {
        return new ListenerOptions(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                LocalTls.of(mode, certificate), upstream, 10);
    }

    private static <T extends AutoCloseable> T track(T proxy) {
        running.add(proxy);
        return proxy;
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable proxy : running) {
            proxy.close();
        }
        sandbox.close();
    }

    private static boolean delivered(String subject) {
        return Mailboxes.delivered(sandbox, subject);
    }

    @Test
    void angusMailSendsAfterStartTlsTrustingOnlyTheGeneratedCertificate() throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.socketFactory", trustingTheProxy);
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@sandbox.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@sandbox.test"));
        message.setSubject("angus over starttls");
        message.setText("through the TLS proxy");
        int before = smtp.upstreamLogins();
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect("localhost", smtp.port(), alice.name(), PASSWORD);
            transport.sendMessage(message, message.getAllRecipients());
        }
        assertThat(delivered("angus over starttls")).isTrue();
        assertThat(smtp.upstreamLogins() - before).isEqualTo(1);
    }

    @Test
    void curlSendsOverStartTlsWithTheCertificateAsItsOnlyCa() throws Exception {
        Path mail = Files.createTempFile("curl-", ".eml");
        Files.writeString(mail, "From: alice@sandbox.test\r\nTo: bob@sandbox.test\r\nSubject: curl over starttls\r\n\r\nhi\r\n");
        Process curl = new ProcessBuilder("/usr/bin/curl", "--silent", "--show-error", "--ssl-reqd",
                "--cacert", certificate.certFile().toString(), "smtp://localhost:" + smtp.port(),
                "--user", alice.name() + ":" + PASSWORD, "--mail-from", "alice@sandbox.test",
                "--mail-rcpt", "bob@sandbox.test", "--upload-file", mail.toString()).redirectErrorStream(true).start();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.exitValue()).as(output).isZero();
        assertThat(delivered("curl over starttls")).isTrue();
    }

    /** Python 3.13's defaults are strict about certificates (VERIFY_X509_STRICT): the generated one passes them. */
    private static final String STRICT_CONTEXT = "import ssl, sys\n"
            + "ctx = ssl.create_default_context(cafile=sys.argv[1]); ctx.verify_flags |= ssl.VERIFY_X509_STRICT\n";

    @Test
    void imaplibSearchesAfterStartTls() throws Exception {
        String output = Python.run(STRICT_CONTEXT + String.join("\n",
                "import imaplib",
                "m = imaplib.IMAP4('localhost', int(sys.argv[2]))",
                "print('before', 'LOGINDISABLED' in m.capabilities, 'AUTH=PLAIN' in m.capabilities)",
                "m.starttls(ssl_context=ctx)",
                "print('after', 'LOGINDISABLED' in m.capabilities, 'AUTH=PLAIN' in m.capabilities)",
                "m.login('bob@sandbox.test', sys.argv[3])",
                "typ, _ = m.select('INBOX', readonly=True)",
                "typ, data = m.search(None, 'SUBJECT', '\"over local tls\"')",
                "print(typ, len(data[0].split()))",
                "m.logout()"), certificate.certFile(), imap.port(), PASSWORD);
        assertThat(output).isEqualTo("before True False\nafter False True\nOK 1");
    }

    @Test
    void poplibListsAfterStls() throws Exception {
        String output = Python.run(STRICT_CONTEXT + String.join("\n",
                "import poplib",
                "p = poplib.POP3('localhost', int(sys.argv[2]), timeout=20)",
                "print(sorted(p.capa()))",
                "p.stls(context=ctx)",
                "print(sorted(p.capa()))",
                "p.user('bob@sandbox.test'); p.pass_(sys.argv[3])",
                "resp, listing, _ = p.list(); print(resp.split()[0].decode(), len(listing) >= 1); p.quit()"),
                certificate.certFile(), pop3.port(), PASSWORD);
        assertThat(output).isEqualTo("['STLS']\n['SASL', 'USER']\nb'+OK' True".replace("b'+OK'", "+OK"));
    }

    @Test
    void angusMailReadsOverImplicitTls() throws Exception {
        Properties props = new Properties();
        props.put("mail.imap.ssl.enable", "true");
        props.put("mail.imap.ssl.socketFactory", trustingTheProxy);
        props.put("mail.imap.ssl.checkserveridentity", "true");
        props.put("mail.imap.connectiontimeout", "5000");
        try (Store store = Session.getInstance(props).getStore("imap")) {
            store.connect("localhost", imaps.port(), bob.name(), PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(List.of(inbox.getMessages())).extracting(Message::getSubject).contains("over local tls");
            inbox.close(false);
        }
    }

    @Test
    void noLoginIsTakenBeforeStartTlsAndNothingGoesUpstream() throws Exception {
        int logins = smtp.upstreamLogins() + imap.upstreamLogins() + pop3.upstreamLogins();
        int serverLogins = sandbox.submissionLogins();
        String plain = Base64.getEncoder().encodeToString(("\0" + alice.name() + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (Dialogue s = new Dialogue(smtp.port())) {
            assertThat(s.read()).startsWith("220");
            assertThat(s.ask("EHLO me")).isEqualTo("250-localhost oauthmail SMTP proxy");
            assertThat(s.read()).isEqualTo("250 STARTTLS"); // and no AUTH before TLS
            assertThat(s.ask("AUTH PLAIN " + plain)).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(s.ask("MAIL FROM:<alice@sandbox.test>")).startsWith("530 5.7.0 Must issue a STARTTLS");
        }
        try (Dialogue s = new Dialogue(imap.port())) {
            assertThat(s.read()).contains("STARTTLS LOGINDISABLED").doesNotContain("AUTH=");
            assertThat(s.ask("a LOGIN bob@sandbox.test \"" + PASSWORD + "\""))
                    .isEqualTo("a NO [PRIVACYREQUIRED] Must issue a STARTTLS command first");
            assertThat(s.ask("b AUTHENTICATE PLAIN " + plain)).startsWith("b NO [PRIVACYREQUIRED]");
        }
        try (Dialogue s = new Dialogue(pop3.port())) {
            assertThat(s.read()).startsWith("+OK");
            assertThat(s.ask("USER bob@sandbox.test")).startsWith("-ERR Must issue STLS first");
            assertThat(s.ask("PASS " + PASSWORD)).startsWith("-ERR Must issue STLS first");
        }
        assertThat(smtp.upstreamLogins() + imap.upstreamLogins() + pop3.upstreamLogins()).isEqualTo(logins);
        assertThat(sandbox.submissionLogins()).isEqualTo(serverLogins);
    }

    @Test
    void commandsPipelinedBehindStartTlsAreRefusedNotRunInsideTls() throws Exception {
        int logins = smtp.upstreamLogins() + imap.upstreamLogins();
        String plain = Base64.getEncoder().encodeToString(("\0" + alice.name() + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        try (Dialogue s = new Dialogue(smtp.port())) {
            s.read();
            s.ask("EHLO me");
            s.read();
            assertThat(s.ask("STARTTLS\r\nAUTH PLAIN " + plain)).startsWith("501 5.5.2 nothing may follow STARTTLS");
            assertThat(s.read()).isNull(); // the session is over
        }
        try (Dialogue s = new Dialogue(imap.port())) {
            s.read();
            assertThat(s.ask("a STARTTLS\r\nb LOGIN bob@sandbox.test x")).startsWith("a BAD nothing may follow STARTTLS");
            assertThat(s.read()).isNull();
        }
        assertThat(smtp.upstreamLogins() + imap.upstreamLogins()).isEqualTo(logins);
    }

    @Test
    void afterStartTlsTheFirstEhloIsForgottenAndAuthIsOffered() throws Exception {
        try (Dialogue s = new Dialogue(smtp.port())) {
            s.read();
            s.ask("EHLO me");
            s.read();
            assertThat(s.ask("STARTTLS")).startsWith("220");
            s.secure(trustingTheProxy, smtp.port());
            assertThat(s.ask("AUTH PLAIN x")).isEqualTo("503 5.5.1 send EHLO first");
            assertThat(s.ask("EHLO me")).startsWith("250-");
            assertThat(s.read()).isEqualTo("250 AUTH PLAIN LOGIN"); // STARTTLS no longer offered
            assertThat(s.ask("STARTTLS")).startsWith("503");
        }
    }

    @Test
    void aListenerBeyondLoopbackNeedsLocalTls(@TempDir Path dir) throws Exception {
        LocalPasswords passwords = new LocalPasswords(dir.resolve("p"));
        InetSocketAddress everywhere = new InetSocketAddress(0);
        ListenerOptions plain = new ListenerOptions("--listen imap=0.0.0.0:0", everywhere, LocalTls.none(), Optional.empty(), 5);
        assertThatThrownBy(() -> ImapProxy.start(plain, Map.of(), passwords, null))
                .isInstanceOf(OAuthMailException.class)
                .hasMessageStartingWith("--listen imap=0.0.0.0:0: listening on 0.0.0.0 without TLS")
                .satisfies(e -> assertThat(((OAuthMailException) e).hint()).hasValueSatisfying(
                        h -> assertThat(h).contains("tls = \"starttls\"").contains("--tls starttls").contains("127.0.0.1")));
        ListenerOptions secured = new ListenerOptions("imaps", everywhere, LocalTls.of(LocalTls.Mode.IMPLICIT, certificate),
                Optional.empty(), 5);
        try (ImapProxy proxy = ImapProxy.start(secured, Map.of(), passwords, null)) {
            assertThat(proxy.port()).isPositive();
        }
    }

    @Test
    void aFixedUpstreamIsUsedInsteadOfTheAccountsOwnServer(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket nothing = new ServerSocket(0)) {
            closedPort = nothing.getLocalPort();
        }
        // alice's own SMTP server is unreachable; the listener's upstream is the sandbox's submission port
        Account unreachable = alice.withProvider(alice.provider().withSmtp(new MailServer("127.0.0.1", closedPort, TlsMode.STARTTLS)));
        MailServer submission = new MailServer(sandbox.submission().host(), sandbox.submission().port(), TlsMode.STARTTLS);
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(dir.resolve("tokens"));
        store.save(alice.name(), SandboxLogins.login(sandbox, alice).tokens());
        LocalPasswords passwords = new LocalPasswords(dir.resolve("p"));
        passwords.set(alice.name(), PASSWORD.toCharArray());
        ListenerOptions fixed = new ListenerOptions("fixed", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                LocalTls.none(), Optional.of(submission), 5);
        try (SmtpProxy proxy = SmtpProxy.start(fixed, Map.of(alice.name(), unreachable), passwords,
                new TokenManager(store, Clock.systemUTC()))) {
            Python.run(String.join("\n", "import smtplib, sys",
                    "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20) as s:",
                    "    s.login('alice@sandbox.test', sys.argv[2])",
                    "    s.sendmail('alice@sandbox.test', ['bob@sandbox.test'], 'Subject: via the fixed upstream\\r\\n\\r\\nhi')"),
                    proxy.port(), PASSWORD);
            assertThat(proxy.upstreamLogins()).isEqualTo(1);
        }
        assertThat(delivered("via the fixed upstream")).isTrue();
    }

    /** A line-by-line client on a raw socket, which can switch to TLS in place like a real STARTTLS client. */
    private static final class Dialogue implements AutoCloseable {

        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        Dialogue(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            streams();
        }

        String read() throws Exception {
            return in.readLine();
        }

        String ask(String command) throws Exception {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read();
        }

        void secure(SSLSocketFactory tls, int port) throws Exception {
            SSLSocket secured = (SSLSocket) tls.createSocket(socket, "localhost", port, true);
            secured.startHandshake();
            socket = secured;
            streams();
        }

        private void streams() throws Exception {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
