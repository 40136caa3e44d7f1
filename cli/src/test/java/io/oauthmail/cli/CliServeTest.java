package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code oauthmail serve} with proxy listeners from the config and from --listen, with local TLS. */
class CliServeTest {

    private static final String PASSWORD = "serve local password";
    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = SandboxHome.createWithLocalPassword(sandbox, home, PASSWORD, "alice@sandbox.test", "bob@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static String serveUntilFailure(String... args) {
        StringWriter err = new StringWriter();
        List<String> command = new ArrayList<>(List.of("serve"));
        command.addAll(List.of(args));
        int exit = OAuthMailCli.run(command.toArray(String[]::new), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), InputStream.nullInputStream(), env);
        assertThat(exit).as(err.toString()).isNotZero();
        return err.toString();
    }

    @Test
    void serveRefusesAPlainListenerBeyondLoopbackAndBadTlsFlags() {
        assertThat(serveUntilFailure("--listen", "imap=0.0.0.0:0"))
                .contains("--listen imap=0.0.0.0:0: listening on 0.0.0.0 without TLS").contains("--tls starttls");
        assertThat(serveUntilFailure("--listen", "relay=0.0.0.0:0"))
                .contains("--listen relay=0.0.0.0:0: listening on 0.0.0.0 without TLS").contains("--tls starttls");
        assertThat(serveUntilFailure("--listen", "lmtp=127.0.0.1:0")).contains("use smtp, imap, pop or relay");
        assertThat(serveUntilFailure("--listen", "imap=127.0.0.1:0", "--tls", "starttls", "--tls-cert", "x.pem"))
                .contains("--tls-cert and --tls-key go together");
    }

    @Test
    void serveRefusesAnUnknownLogLevelOrFormatAsAUsageErrorAndMetricsBeyondLoopback() {
        for (String[] flags : List.of(new String[] {"--log-level", "loud"}, new String[] {"--log-format", "xml"})) {
            StringWriter err = new StringWriter();
            int exit = OAuthMailCli.run(new String[] {"serve", flags[0], flags[1]}, new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true), InputStream.nullInputStream(), env);
            assertThat(exit).as(err.toString()).isEqualTo(2);
            assertThat(err.toString()).contains(flags[1]).containsAnyOf("error, warn, info, debug", "text, json");
        }
        assertThat(serveUntilFailure("--metrics", "192.0.2.1:9464")).contains("--metrics listens on loopback only")
                .contains("--metrics 127.0.0.1:9464");
    }

    /**
     * The serve command blocks until SIGTERM, so it keeps running in the background until the test JVM exits; its
     * home is this class's own, so no other test sees its control socket.
     */
    @Test
    void serveRunsConfigAndFlagListenersOverTlsWithThePrintedCertificate() throws Exception {
        Files.writeString(home.resolve("config.toml"), String.join("\n", "", "[[listener]]", "protocol = \"pop\"",
                "listen = \"127.0.0.1:0\"", "tls = \"implicit\"", "accounts = [\"bob@sandbox.test\"]", ""),
                StandardOpenOption.APPEND);
        StringWriter err = new StringWriter();
        Thread serve = new Thread(() -> OAuthMailCli.run(new String[] {"serve", "--listen", "imap=127.0.0.1:0", "--tls", "starttls"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), InputStream.nullInputStream(), env));
        serve.setDaemon(true);
        serve.start();
        String printed = Awaits.daemonStarted(err::toString);
        Matcher pop = Pattern.compile("proxy pop on 127\\.0\\.0\\.1:(\\d+), implicit TLS with (\\S+) \\(SHA-256 ([0-9A-F:]+)\\)")
                .matcher(printed);
        Matcher imap = Pattern.compile("proxy imap on 127\\.0\\.0\\.1:(\\d+), starttls TLS with (\\S+) ").matcher(printed);
        assertThat(pop.find()).as(printed).isTrue();
        assertThat(imap.find()).as(printed).isTrue();
        assertThat(imap.group(2)).isEqualTo(pop.group(2)); // one generated certificate for both

        String output = python(String.join("\n",
                "import hashlib, imaplib, poplib, ssl, sys",
                "cert, pop_port, imap_port, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]",
                "der = ssl.PEM_cert_to_DER_cert(open(cert).read())",
                "print(':'.join('%02X' % b for b in hashlib.sha256(der).digest()))",
                "ctx = ssl.create_default_context(cafile=cert)",
                "p = poplib.POP3_SSL('localhost', pop_port, context=ctx, timeout=20)",
                "p.user('alice@sandbox.test')",
                "try:",
                "    p.pass_(password); print('alice let in')",
                "except poplib.error_proto as e:",
                "    print('alice refused')",
                "p = poplib.POP3_SSL('localhost', pop_port, context=ctx, timeout=20)",
                "p.user('bob@sandbox.test'); p.pass_(password); print('bob', p.stat()[0] >= 0); p.quit()",
                "m = imaplib.IMAP4('localhost', imap_port); m.starttls(ssl_context=ctx)",
                "m.login('alice@sandbox.test', password); print('imap', m.select('INBOX', readonly=True)[0]); m.logout()"),
                pop.group(2), pop.group(1), imap.group(1), PASSWORD);
        assertThat(output.lines()).containsExactly(pop.group(3), "alice refused", "bob True", "imap OK");
    }

    /** Runs a Python 3 script with arguments; returns its output, failing the test if it fails. */
    static String python(String script, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(arguments));
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(python.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.exitValue()).as(output).isZero();
        return output.strip();
    }
}
