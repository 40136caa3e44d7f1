package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail serve --listen relay=...} as a printer or a PHP mailer uses it: Python's smtplib logs in with the
 * local password, the relay answers 250 with a queue id, and the daemon's workers deliver the message, as sent, to
 * the account's SMTP server (the sandbox's submission port) over XOAUTH2.
 */
class CliRelayTest {

    private static final String PASSWORD = "relay local password";
    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = SandboxHome.createWithLocalPassword(sandbox, home, PASSWORD, "alice@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** The serve command blocks until SIGTERM: it runs in the background until the test JVM exits, in its own home. */
    @Test
    void aMessageSentThroughTheRelayIsQueuedThenDeliveredAsSent() throws Exception {
        StringWriter err = new StringWriter();
        Thread serve = new Thread(() -> OAuthMailCli.run(new String[] {"serve", "--listen", "relay=127.0.0.1:0"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), InputStream.nullInputStream(), env));
        serve.setDaemon(true);
        serve.start();
        String printed = Awaits.daemonStarted(err::toString);
        Matcher relay = Pattern.compile("proxy relay on 127\\.0\\.0\\.1:(\\d+)").matcher(printed);
        assertThat(relay.find()).as(printed).isTrue();

        String reply = CliServeTest.python(String.join("\n",
                "import smtplib, sys",
                "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)",
                "s.login('alice@sandbox.test', sys.argv[2])",
                "msg = b'From: alice@sandbox.test\\r\\nTo: bob@sandbox.test\\r\\nSubject: relayed by the daemon\\r\\n\\r\\ncaf\\xc3\\xa9\\r\\n'",
                "code, text = s.docmd('MAIL', 'FROM:<alice@sandbox.test>')",
                "s.docmd('RCPT', 'TO:<bob@sandbox.test>')",
                "print(s.data(msg))",
                "s.quit()"), relay.group(1), PASSWORD);
        assertThat(reply).contains("250").contains("queued as");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sandbox.receivedMessages())
                .anySatisfy(m -> assertThat(m.getSubject()).isEqualTo("relayed by the daemon")));
        assertThat(err.toString()).doesNotContain(PASSWORD);
    }
}
