package io.oauthmail.server.proxy;

import static io.oauthmail.server.proxy.ProxyFixture.BOB;
import static io.oauthmail.server.proxy.ProxyFixture.PASSWORD;
import static io.oauthmail.server.proxy.ProxyFixture.python;
import static io.oauthmail.server.proxy.ProxyFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients through all three proxies to the sandbox: Python's smtplib, imaplib and poplib, and curl. After
 * the login they must see only what the proxy accepts, and message bodies must arrive byte for byte.
 */
class ProxyClientsTest {

    private static ProxyFixture proxies;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        proxies = ProxyFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        proxies.close();
    }

    @Test
    void pythonSeesOnlyTheProxysMechanismsAfterTheLogin() throws Exception {
        String output = python(String.join("\n",
                "import smtplib, imaplib, poplib, sys",
                "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20)",
                "s.login(sys.argv[4], sys.argv[5]); s.ehlo()",
                "print('SMTP', s.esmtp_features.get('auth'), 'starttls' in s.esmtp_features); s.quit()",
                "m = imaplib.IMAP4('127.0.0.1', int(sys.argv[2]))",
                "m.login(sys.argv[4], sys.argv[5])",
                "print('IMAP', ' '.join(c for c in m.capability()[1][0].decode().split() if 'AUTH=' in c or c in ('STARTTLS', 'LOGINDISABLED')))",
                "m.logout()",
                "p = poplib.POP3('127.0.0.1', int(sys.argv[3]), timeout=20)",
                "p.user(sys.argv[4]); p.pass_(sys.argv[5])",
                "print('POP3', sorted(k for k in p.capa() if k in ('SASL', 'STLS')), p.capa().get('SASL')); p.quit()"),
                proxies.smtp.port(), proxies.imap.port(), proxies.pop3.port(), BOB, PASSWORD);
        assertThat(output.lines()).containsExactly("SMTP  PLAIN LOGIN False", "IMAP AUTH=PLAIN", "POP3 ['SASL'] ['PLAIN']");
    }

    @Test
    void curlSendsThenFetchesAndRetrievesItByteForByte(@TempDir Path dir) throws Exception {
        String subject = "curl through the proxy " + System.nanoTime();
        // Text a naive filter would rewrite: inside a message it must arrive exactly as sent.
        String body = "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 STARTTLS\r\n250-AUTH XOAUTH2\r\nSASL XOAUTH2\r\nSTLS\r\n";
        Path message = Files.writeString(dir.resolve("message.eml"), "From: " + BOB + "\r\nTo: " + BOB + "\r\nSubject: "
                + subject + "\r\n\r\n" + body, StandardCharsets.ISO_8859_1);
        String user = BOB + ":" + PASSWORD;
        run(List.of("curl", "-sS", "--max-time", "30", "smtp://127.0.0.1:" + proxies.smtp.port(), "--user", user,
                "--mail-from", BOB, "--mail-rcpt", BOB, "--upload-file", message.toString()));

        String search = run(List.of("curl", "-sS", "--max-time", "30", "--user", user,
                "imap://127.0.0.1:" + proxies.imap.port() + "/INBOX?SUBJECT%20%22" + subject.replace(" ", "%20") + "%22"));
        assertThat(search.strip()).matches("\\* SEARCH \\d+");
        String index = search.strip().substring("* SEARCH ".length());
        String fetched = run(List.of("curl", "-sS", "--max-time", "30", "--user", user,
                "imap://127.0.0.1:" + proxies.imap.port() + "/INBOX;MAILINDEX=" + index));
        assertThat(fetched).contains("Subject: " + subject).endsWith(body);

        String list = run(List.of("curl", "-sS", "--max-time", "30", "--user", user, "pop3://127.0.0.1:" + proxies.pop3.port() + "/"));
        String last = list.strip().lines().reduce((a, b) -> b).orElseThrow().split(" ")[0];
        String retrieved = run(List.of("curl", "-sS", "--max-time", "30", "--user", user,
                "pop3://127.0.0.1:" + proxies.pop3.port() + "/" + last));
        assertThat(retrieved).contains("Subject: " + subject).contains(body);
    }

    @Test
    void pythonsSmtplibSendsAndPoplibRetrieves() throws Exception {
        String subject = "smtplib to poplib " + System.nanoTime();
        String output = python(String.join("\n",
                "import smtplib, poplib, sys, time",
                "from email.message import EmailMessage",
                "m = EmailMessage(); m['From'] = sys.argv[3]; m['To'] = sys.argv[3]; m['Subject'] = sys.argv[5]",
                "m.set_content('.a line that starts with a dot\\nSASL XOAUTH2\\n')",
                "with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=20) as s:",
                "    s.login(sys.argv[3], sys.argv[4]); s.send_message(m)",
                "p = poplib.POP3('127.0.0.1', int(sys.argv[2]), timeout=20)",
                "p.user(sys.argv[3]); p.pass_(sys.argv[4])",
                "count = len(p.list()[1])",
                "lines = p.retr(count)[1]",
                "print(b'Subject: ' + sys.argv[5].encode() in lines, b'.a line that starts with a dot' in lines, b'SASL XOAUTH2' in lines)",
                "p.quit()"),
                proxies.smtp.port(), proxies.pop3.port(), BOB, PASSWORD, subject);
        assertThat(output.strip()).isEqualTo("True True True");
    }

    @Test
    void pythonsImaplibIdleSeesANewMessage() throws Exception {
        assumeTrue(ProxyFixture.installed("python3"));
        String script = String.join("\n",
                "import imaplib, sys",
                "m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))",
                "m.login(sys.argv[2], sys.argv[3]); m.select('INBOX')",
                "m.send(b'i1 IDLE\\r\\n')", // imaplib has no idle() before Python 3.14
                "print(m.readline().decode().strip(), flush=True)",
                "line = m.readline()",
                "while b'EXISTS' not in line: line = m.readline()",
                "m.send(b'DONE\\r\\n')",
                "line = m.readline()",
                "while not line.startswith(b'i1 '): line = m.readline()",
                "print('SAW', line.decode().strip(), flush=True)",
                "m.logout()");
        Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(proxies.imap.port()), BOB, PASSWORD)
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).startsWith("+");
            proxies.aliceSendsBob("while python idles", "hi");
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).startsWith("SAW i1 OK");
        } finally {
            python.destroy();
        }
    }
}
