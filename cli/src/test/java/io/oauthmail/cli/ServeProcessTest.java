package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauthmail serve} as the real process a service manager runs: SIGHUP and {@code oauthmail reload}
 * re-read the config (open proxy sessions go on), a config with a mistake is refused and the running one
 * stays, and SIGTERM stops it in order with exit code 0.
 */
class ServeProcessTest {

    private static final String PASSWORD = "process local password";
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

    record Run(int exit, String out, String err) {
    }

    private static Run run(InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), in, env);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * The daemon's stderr, in a file: a thread reading the process's pipe can lose the last lines when the
     * process exits (the JDK drains and closes the pipe under it), and the last line is the one checked.
     */
    private record Output(Path file) {

        String text() {
            return Awaits.text(file);
        }

        String await(Predicate<String> condition, String what) {
            return Awaits.output(this::text, condition, what);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The process's thread dump (jcmd), to say where a daemon that does not answer is waiting. */
    private static String threads(Process process) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(process.pid()), "Thread.print").redirectErrorStream(true).start();
            String dump = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            return dump;
        } catch (java.io.IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** {@code oauthmail serve ARGS} as its own process, its stderr in {@code err}. */
    private static Process serve(Output err, String... args) throws java.io.IOException {
        // With SIGHUP at its default: a build run under nohup passes SIGHUP on ignored, and the JVM then keeps it so.
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "io.oauthmail.cli.Main", "serve"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectError(err.file().toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private static Store imap(int port) throws MessagingException {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", port, "alice@sandbox.test", PASSWORD);
        return store;
    }

    @Test
    void sighupAndReloadApplyTheNewConfigWhileSessionsGoOnAndSigtermStopsInOrder() throws Exception {
        int imapPort = freePort();
        Output err = new Output(home.resolve("serve.err"));
        Process serve = serve(err, "--listen", "imap=127.0.0.1:" + imapPort);
        try {
            Awaits.daemonStarted(err::text);
            assertThat(err.text()).contains("reload: oauthmail reload or SIGHUP");
            Store session = imap(imapPort);
            Folder inbox = session.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);

            // SIGHUP with a new listener in the file: it starts, and the open session goes on.
            Path config = home.resolve("config.toml");
            String original = Files.readString(config);
            Files.writeString(config, String.join("\n", "", "[[listener]]", "protocol = \"pop\"", "listen = \"127.0.0.1:0\"",
                    "accounts = [\"bob@sandbox.test\"]", ""), StandardOpenOption.APPEND);
            assertThat(new ProcessBuilder("kill", "-HUP", String.valueOf(serve.pid())).start().waitFor()).isZero();
            String printed;
            try {
                printed = err.await(t -> t.contains("reloaded "), "the reload on SIGHUP");
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\nthe daemon's threads:\n" + threads(serve), e);
            }
            Matcher pop = Pattern.compile("proxy pop on 127\\.0\\.0\\.1:(\\d+)").matcher(printed);
            assertThat(pop.find()).as(printed).isTrue();
            assertThat(printed).contains("2 account(s), 2 proxy listener(s)");
            assertThat(inbox.getMessageCount()).as("the session opened before the reload").isNotNegative();
            Store bob = Session.getInstance(new Properties()).getStore("pop3");
            bob.connect("127.0.0.1", Integer.parseInt(pop.group(1)), "bob@sandbox.test", PASSWORD);
            bob.close();
            Store again = imap(imapPort); // the same port, listening anew
            again.close();

            // oauthmail reload: a file with a mistake is refused, and everything keeps running as it was.
            Files.writeString(config, "\n[[listener]]\nprotocol = \"imaps\"\nlisten = \"127.0.0.1:0\"\n", StandardOpenOption.APPEND);
            Run refused = run(InputStream.nullInputStream(), "reload");
            assertThat(refused.exit()).isEqualTo(ExitCodes.FAILED);
            assertThat(refused.err()).contains("kept its running configuration").contains("unknown proxy protocol 'imaps'");
            assertThat(run(InputStream.nullInputStream(), "status").exit()).isZero();
            assertThat(inbox.getMessageCount()).isNotNegative();

            Files.writeString(config, original);
            Run reloaded = run(InputStream.nullInputStream(), "reload");
            assertThat(reloaded.exit()).as(reloaded.err()).isZero();
            assertThat(reloaded.out()).contains("2 account(s), 1 proxy listener(s)");

            // SIGTERM: an orderly stop, exit code 0, the control socket gone, open sessions ended.
            serve.destroy();
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.exitValue()).as(err.text()).isZero();
            err.await(t -> t.contains("oauthmail serve: stopping"), "the stop said");
            assertThat(home.resolve("state/run/serve.sock")).doesNotExist();
            assertThat(inbox.isOpen() && sessionAnswers(inbox)).as("the proxy session ended with the daemon").isFalse();
        } finally {
            serve.destroyForcibly();
        }
    }

    /**
     * One daemon per home: a second {@code serve} says who runs and exits 1 without touching anything; the first
     * one's control socket (status, reload, the fast token path) keeps answering.
     */
    @Test
    void aSecondServeInTheSameHomeSaysWhoRunsAndLeavesTheFirstAlone() throws Exception {
        Output err = new Output(home.resolve("first-serve.err"));
        Process first = serve(err);
        try {
            Awaits.daemonStarted(err::text);
            Run second = run(InputStream.nullInputStream(), "serve");
            assertThat(second.exit()).isEqualTo(ExitCodes.FAILED);
            assertThat(second.err()).contains("already running here (pid " + first.pid() + ",")
                    .contains("kill " + first.pid()).doesNotContain("\tat ");
            assertThat(home.resolve("state/run/serve.sock")).exists();
            Run status = run(InputStream.nullInputStream(), "status");
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("alice@sandbox.test");
            assertThat(run(InputStream.nullInputStream(), "reload").exit()).isZero();
        } finally {
            first.destroy();
            first.waitFor(30, TimeUnit.SECONDS);
            first.destroyForcibly();
        }
    }

    private static boolean sessionAnswers(Folder folder) {
        try {
            folder.getMessageCount();
            ((org.eclipse.angus.mail.imap.IMAPFolder) folder).doCommand(protocol -> {
                protocol.simpleCommand("NOOP", null);
                return null;
            });
            return true;
        } catch (MessagingException e) {
            return false;
        }
    }
}
