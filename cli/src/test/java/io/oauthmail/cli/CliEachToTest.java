package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send --each-to}: streamed, over N connections, one body for all, and a stop that loses no address. */
class CliEachToTest {

    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;
    private static int deadPort;

    static CliRun run(InputStream in, String... args) {
        CliRun run = CliRun.of(env, in, args);
        assertThat(run.err()).as("no stack trace").doesNotContain("\tat ");
        return run;
    }

    private static InputStream text(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void start() throws Exception {
        List<String> users = new java.util.ArrayList<>(List.of("alice@sandbox.test", "bob@sandbox.test", "carol@sandbox.test"));
        IntStream.range(0, 40).forEach(i -> users.add("r" + i + "@sandbox.test"));
        IntStream.range(0, 12).forEach(i -> users.add("ordered" + i + "@sandbox.test"));
        sandbox = Sandbox.builder().users(users).start();
        env = SandboxHome.create(sandbox, home, "alice@sandbox.test");
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        CliRun added = run(InputStream.nullInputStream(), "accounts", "add", "unreachable", "--provider", "generic",
                "--issuer", sandbox.issuer().toString(), "--client-id", Sandbox.CLIENT_ID,
                "--scopes", "openid email " + Sandbox.MAIL_SCOPE, "--smtp", "127.0.0.1:" + deadPort + ":plain",
                "--email", "alice@sandbox.test");
        assertThat(added.exit()).as(added.err()).isZero();
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(home.resolve("tokens"));
        store.save("unreachable", store.load("alice@sandbox.test").orElseThrow());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static Path list(String name, List<String> addresses) throws Exception {
        Path file = home.resolve(name);
        Files.write(file, addresses);
        return file;
    }

    private static List<MimeMessage> receivedWithSubject(String subject) throws Exception {
        List<MimeMessage> found = new java.util.ArrayList<>();
        for (MimeMessage m : sandbox.receivedMessages()) {
            if (subject.equals(m.getSubject())) {
                found.add(m);
            }
        }
        return found;
    }

    @Test
    void everyRecipientGetsTheSameBodyReadOnceFromStdinOverSeveralConnections() throws Exception {
        List<String> recipients = IntStream.range(0, 40).mapToObj(i -> "r" + i + "@sandbox.test").toList();
        int loginsBefore = sandbox.submissionLogins();
        CliRun sent = run(text("hello everyone"), "send", "alice@sandbox.test", "--each-to", list("forty.txt", recipients).toString(),
                "--subject", "each of forty", "--connections", "3");
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out().lines().distinct().count()).isEqualTo(40);
        assertThat(sent.err()).contains("sent 40, failed 0");
        List<MimeMessage> received = receivedWithSubject("each of forty");
        assertThat(received).hasSize(40);
        for (MimeMessage m : received) {
            assertThat(m.getAllRecipients()).hasSize(1);
            assertThat(((String) m.getContent()).strip()).isEqualTo("hello everyone");
        }
        assertThat(received.stream().map(m -> {
            try {
                return m.getAllRecipients()[0].toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).containsExactlyInAnyOrderElementsOf(recipients);
        int logins = sandbox.submissionLogins() - loginsBefore;
        assertThat(logins).as("each connection logs in once, and there are at most 3").isBetween(1, 3);
    }

    @Test
    void oneConnectionKeepsTheListsOrderOnStdout() throws Exception {
        List<String> recipients = IntStream.range(0, 12).mapToObj(i -> "ordered" + i + "@sandbox.test").toList();
        CliRun sent = run(text("in order"), "send", "alice@sandbox.test", "--each-to", list("twelve.txt", recipients).toString(),
                "--subject", "in list order");
        assertThat(sent.exit()).as(sent.err()).isZero();
        List<String> ids = sent.out().lines().toList();
        List<MimeMessage> received = receivedWithSubject("in list order");
        for (int i = 0; i < recipients.size(); i++) {
            MimeMessage m = received.get(i);
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo(recipients.get(i));
            assertThat(ids.get(i)).isEqualTo(m.getMessageID());
        }
    }

    @Test
    void anUnreachableServerStopsTheSendAndEveryAddressIsLeftForARerun() throws Exception {
        List<String> recipients = IntStream.range(0, 25).mapToObj(i -> "later" + i + "@sandbox.test").toList();
        Path file = list("later.txt", recipients);
        CliRun sent = run(text("not yet"), "send", "unreachable", "--each-to", file.toString(), "--subject", "stopped",
                "--connections", "2");
        assertThat(sent.exit()).isEqualTo(ExitCodes.TEMPORARY);
        assertThat(sent.out()).isEmpty();
        assertThat(sent.err()).contains("sent 0, failed 0, 25 not sent").contains("later.txt.unsent")
                .contains("SMTP server 127.0.0.1:" + deadPort)
                .as("stopped at once, not one refusal per address").doesNotContain("failed later");
        assertThat(Files.readAllLines(home.resolve("later.txt.unsent"))).containsExactlyInAnyOrderElementsOf(recipients);
    }

    @Test
    void aRefusedRecipientIsReportedAndTheRestAreSent() throws Exception {
        Path file = list("mixed.txt", List.of("# team", "bob@sandbox.test", "not an address", "", "carol@sandbox.test"));
        CliRun sent = run(text("hi"), "send", "alice@sandbox.test", "--each-to", file.toString(), "--subject", "mixed list",
                "--connections", "2");
        assertThat(sent.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(sent.out().lines().count()).isEqualTo(2);
        assertThat(sent.err()).contains("sent 2, failed 1").contains("failed not an address");
    }

    @Test
    void connectionsOutOfRangeIsAUsageError() throws Exception {
        Path file = list("one.txt", List.of("bob@sandbox.test"));
        CliRun sent = run(text("hi"), "send", "alice@sandbox.test", "--each-to", file.toString(), "--subject", "x",
                "--connections", "0");
        assertThat(sent.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(sent.err()).contains("--connections takes 1 to 32");
    }

    @Test
    void anInterruptLetsTheSendsInFlightEndAndLeavesTheRestForARerun() throws Exception {
        List<String> recipients = IntStream.range(0, 3000).mapToObj(i -> "r" + (i % 40) + "@sandbox.test").toList();
        Path file = list("interrupted.txt", recipients);
        Path body = home.resolve("interrupted-body.txt");
        Files.writeString(body, "until stopped");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.oauthmail.cli.Main", "send", "alice@sandbox.test",
                "--each-to", file.toString(), "--subject", "interrupted", "--text", body.toString(), "--connections", "2")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(stderr);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        errReader.start();
        List<String> ids = new java.util.ArrayList<>();
        try (java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                ids.add(line);
                if (ids.size() == 50) {
                    process.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its pipes too)
                }
            }
        }
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        errReader.join(5_000);
        String err = stderr.toString(StandardCharsets.UTF_8);
        assertThat(ids.size()).as(err).isBetween(50, 2999);
        List<String> unsent = Files.readAllLines(home.resolve("interrupted.txt.unsent"));
        assertThat(ids.size() + unsent.size()).as("every address either sent or left for a re-run: " + err).isEqualTo(3000);
        assertThat(receivedWithSubject("interrupted")).as("sent = accepted by the server").hasSize(ids.size());
        assertThat(err).contains("interrupted; the " + unsent.size() + " addresses not sent are in");
    }
}
