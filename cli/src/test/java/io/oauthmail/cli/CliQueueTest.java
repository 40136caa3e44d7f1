package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.Daemon;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail queue}, {@code status} and {@code /metrics} against a real daemon whose relay queues messages over
 * SMTP (Jakarta Mail as the client) for an account whose mail server cannot be reached, so they stay queued.
 */
class CliQueueTest {

    private static final String ACCOUNT = "bob@sandbox.test";
    private static final String PASSWORD = "queue local password";
    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;
    private static int relayPort;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        // Port 1 on loopback: nothing listens, so a delivery attempt fails at once and the message stays queued.
        SandboxHome.add(sandbox, env, ACCOUNT, "--smtp", "127.0.0.1:1:starttls");
        SandboxHome.logIn(sandbox, env, ACCOUNT, ACCOUNT);
        int set = OAuthMailCli.run(new String[] {"accounts", "set-local-password", ACCOUNT}, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter(), true), new java.io.ByteArrayInputStream((PASSWORD + "\n").getBytes(
                        StandardCharsets.UTF_8)), env);
        assertThat(set).isZero();
        Files.writeString(home.resolve("config.toml"), "\n[relay]\nmax_queue_time = \"2d\"\n", StandardOpenOption.APPEND);
        StringWriter err = new StringWriter();
        Thread serve = new Thread(() -> OAuthMailCli.run(new String[] {"serve", "--listen", "relay=127.0.0.1:0"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), InputStream.nullInputStream(), env));
        serve.setDaemon(true); // it runs until the JVM ends; its home is this class's own
        serve.start();
        Matcher relay = Pattern.compile("proxy relay on 127\\.0\\.0\\.1:(\\d+), no TLS, queued for delivery")
                .matcher(Awaits.daemonStarted(err::toString));
        assertThat(relay.find()).as(err.toString()).isTrue();
        relayPort = Integer.parseInt(relay.group(1));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static void send(String subject, String body, String... to) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(relayPort));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.auth.mechanisms", "PLAIN");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress(ACCOUNT));
        for (String recipient : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject(subject);
        message.setText(body);
        Transport.send(message, ACCOUNT, PASSWORD);
    }

    private static SandboxHome.Run queue(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "queue";
        System.arraycopy(args, 0, command, 1, args.length);
        return SandboxHome.run(env, command);
    }

    private static List<JsonNode> json(String lines) {
        ObjectMapper mapper = new ObjectMapper();
        return lines.lines().map(line -> {
            try {
                return mapper.readTree(line);
            } catch (Exception e) {
                throw new AssertionError(line, e);
            }
        }).toList();
    }

    @Test
    void listShowRetryDeleteThroughTheRunningDaemonAndItsCountsInStatusAndMetrics() throws Exception {
        send("first report", "the secret body of the first", "alice@example.net", "carol@example.net", "dave@example.net");
        send("second report", "the secret body of the second", "erin@example.net");

        SandboxHome.Run list = queue("list");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains(ACCOUNT).contains(ACCOUNT + " -> alice@example.net (+2)");
        assertThat(lines.get(1)).contains("-> erin@example.net ");
        assertThat(lines.get(2)).startsWith("2 message(s), ").contains("; oldest ");
        assertThat(list.out()).doesNotContain("secret body").doesNotContain("first report");

        List<JsonNode> entries = json(queue("--json").out());
        assertThat(entries).hasSize(2);
        String first = entries.get(0).path("id").asText();
        String second = entries.get(1).path("id").asText();
        assertThat(entries.get(0).path("recipients")).hasSize(3);
        assertThat(entries.get(0).path("state").asText()).isIn("queued", "deferred", "delivering");

        SandboxHome.Run show = queue("show", first);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("id:            " + first).contains("account:       " + ACCOUNT)
                .contains("to:            alice@example.net").contains("               dave@example.net")
                .contains("client:        127.0.0.1").doesNotContain("secret body");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        StringWriter contentErr = new StringWriter();
        assertThat(OAuthMailCli.run(new String[] {"queue", "show", first, "--content"}, content, new PrintWriter(contentErr, true),
                InputStream.nullInputStream(), env)).as(contentErr.toString()).isZero();
        assertThat(content.toString(StandardCharsets.UTF_8)).contains("Subject: first report")
                .contains("the secret body of the first").doesNotContain("id:");

        SandboxHome.Run status = SandboxHome.run(env, "status");
        assertThat(status.out()).contains(ACCOUNT).contains("relay queue: 2 message(s), ").contains("(details: oauthmail queue)");
        List<JsonNode> statusJson = json(SandboxHome.run(env, "status", "--json").out());
        assertThat(statusJson.get(0).path("account").asText()).isEqualTo(ACCOUNT); // the account lines stay as they were
        JsonNode relay = statusJson.get(statusJson.size() - 1).path("relay");
        assertThat(relay.path("queued").asInt()).isEqualTo(2);
        assertThat(relay.path("bytes").asLong()).isEqualTo(entries.get(0).path("size").asLong() + entries.get(1).path("size").asLong());
        assertThat(relay.path("oldest").asText()).isEqualTo(entries.get(0).path("received").asText());

        ControlClient control = new ControlClient(Daemon.socketIn(home.resolve("state")));
        String metrics = control.get("/metrics").body();
        Matcher states = Pattern.compile("oauthmail_relay_queue_messages\\{state=\"(\\w+)\"\\} (\\S+)").matcher(metrics);
        double sum = 0;
        while (states.find()) {
            sum += Double.parseDouble(states.group(2));
        }
        assertThat(sum).as(metrics).isEqualTo(2.0);
        assertThat(metrics).contains("oauthmail_relay_queue_bytes " + (double) relay.path("bytes").asLong())
                .containsPattern("oauthmail_relay_oldest_seconds \\d");

        SandboxHome.Run retry = queue("retry", first);
        assertThat(retry.exit()).as(retry.err()).isZero();
        assertThat(retry.out()).isEqualTo("message " + first + " is due now\n");
        SandboxHome.Run retryAll = queue("retry", "--all");
        assertThat(retryAll.exit()).as(retryAll.err()).isZero();
        assertThat(retryAll.out()).containsPattern("^\\d+ message\\(s\\) due now\n$");

        // A worker may be sending it this moment (its server is unreachable, so only for a moment): then delete says so.
        Awaits.polling("the delete of " + second, Duration.ofSeconds(20)).untilAsserted(() -> {
            SandboxHome.Run delete = queue("delete", second);
            assertThat(delete.exit()).as(delete.err()).isZero();
            assertThat(delete.out()).startsWith("deleted " + second + "  " + ACCOUNT).contains("-> erin@example.net");
        });
        assertThat(json(queue("list", "--json").out())).extracting(node -> node.path("id").asText()).containsExactly(first);
    }

    @Test
    void anUnknownIdFailsWithTheCommandThatListsAndABadIdIsAUsageError() {
        SandboxHome.Run unknown = queue("show", "0123456789abcdef");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(unknown.err()).contains("no message 0123456789abcdef in the queue").contains("oauthmail queue list")
                .doesNotContain("\tat ");
        assertThat(queue("delete", "0123456789abcdef").exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(queue("retry", "0123456789abcdef").exit()).isEqualTo(ExitCodes.FAILED);

        SandboxHome.Run bad = queue("delete", "../etc");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("'../etc' is not a queue id");
        assertThat(queue("retry").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(queue("retry", "0123456789abcdef", "--all").exit()).isEqualTo(ExitCodes.USAGE);
    }
}
