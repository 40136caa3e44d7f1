package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What {@code send} decides before and around sending (issue 11, items 5 and 8): the progress bar follows stderr,
 * not {@code System.console()}, through a real pseudo-terminal; a {@code --via} the provider cannot serve is a usage
 * error that says what works, before any token is asked for.
 */
class CliSendChecksTest {

    @RegisterExtension
    static final LoggedInSandbox accounts = new LoggedInSandbox("alice@sandbox.test", "bob@sandbox.test");

    @Test
    @Tag("slow") // three JVMs
    void theProgressBarShowsWhenStderrIsATerminalThoughStdoutGoesToAFile() throws Exception {
        assumeTrue(new File("/usr/bin/script").canExecute() || new File("/bin/script").canExecute(),
                "needs script(1) from util-linux for a pseudo-terminal");
        Path launcher = CliLauncher.write(accounts.home().resolve("bin/oauthmail"), accounts.home().toString());
        Path list = accounts.home().resolve("progress-list.txt");
        Files.writeString(list, "bob@sandbox.test\nalice@sandbox.test\nbob@sandbox.test\n");
        Path body = accounts.home().resolve("progress-body.txt");
        Files.writeString(body, "hello\n");
        String send = "'" + launcher + "' send alice@sandbox.test --each-to '" + list + "' --subject progress --text '" + body + "'";

        // stderr on the pseudo-terminal script(1) makes, stdout into a file: what `send ... > ids.txt` does in a terminal
        Path ids = accounts.home().resolve("ids.txt");
        String onTerminal = shell("script", "-qec", send + " > '" + ids + "'", "/dev/null");
        assertThat(onTerminal).contains("\r[" + "#".repeat(30) + "] 3/3").contains("sent 3, failed 0");
        assertThat(Files.readAllLines(ids)).hasSize(3).allMatch(id -> id.matches("<[^@]+@sandbox\\.test>"));

        // the same with stderr into a file: no bar; --no-progress on the terminal: no bar either
        Path errFile = accounts.home().resolve("err.txt");
        shell("sh", "-c", send + " > /dev/null 2> '" + errFile + "'");
        assertThat(Files.readString(errFile)).contains("sent 3, failed 0").doesNotContain("\r").doesNotContain("[#");
        assertThat(shell("script", "-qec", send + " --no-progress > /dev/null", "/dev/null"))
                .contains("sent 3, failed 0").doesNotContain("[#");
    }

    @Test
    void progressCanBeAskedForWhereNoTerminalIs() throws Exception {
        Path list = accounts.home().resolve("two.txt");
        Files.writeString(list, "bob@sandbox.test\nbob@sandbox.test\n");
        CliRun quiet = accounts.run("send", "alice@sandbox.test", "--each-to", list.toString(), "--subject", "quiet");
        assertThat(quiet.exit()).as(quiet.err()).isZero();
        assertThat(quiet.err()).doesNotContain("[#");
        CliRun shown = accounts.run("send", "alice@sandbox.test", "--each-to", list.toString(), "--subject", "shown", "--progress");
        assertThat(shown.err()).contains("\r[" + "#".repeat(30) + "] 2/2");
    }

    @Test
    void graphForAnAccountThatIsNotMicrosoftIsAUsageErrorNamingWhatWorks() {
        int refreshes = accounts.sandbox().tokenRequests("refresh_token");
        CliRun graph = accounts.run("send", "alice@sandbox.test", "--via", "graph", "--to", "bob@sandbox.test", "--subject", "x");
        assertThat(graph.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(graph.err()).contains("account alice@sandbox.test is a generic account")
                .contains("--via graph needs a Microsoft account").contains("use --via smtp")
                .doesNotContain("authorized again").doesNotContain("oauthmail login");
        CliRun gmail = accounts.run("send", "alice@sandbox.test", "--via", "gmail-api", "--to", "bob@sandbox.test", "--subject", "x");
        assertThat(gmail.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(gmail.err()).contains("--via gmail-api needs a Google account").contains("use --via smtp");
        assertThat(accounts.sandbox().tokenRequests("refresh_token")).as("no token was asked for").isEqualTo(refreshes);
    }

    @Test
    void theGmailApiForAMicrosoftAccountGoesNowhereNearGoogle() {
        assertThat(accounts.run("accounts", "add", "work", "--provider", "microsoft", "--client-id", "00000000-0000-0000-0000-000000000000")
                .exit()).isZero();
        assertThat(accounts.run("accounts", "add", "me@gmail.com", "--provider", "google", "--client-id", "x.apps.googleusercontent.com")
                .exit()).isZero();
        // neither is logged in: had the check not come first, these would say "run: oauthmail login" (exit 3)
        CliRun gmail = accounts.run("send", "work", "--via", "gmail-api", "--to", "you@example.com", "--subject", "x");
        assertThat(gmail.exit()).as(gmail.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(gmail.err()).contains("account work is a Microsoft account; --via gmail-api needs a Google account: "
                + "use --via smtp or --via graph");
        CliRun graph = accounts.run("send", "me@gmail.com", "--via", "graph", "--to", "you@example.com", "--subject", "x");
        assertThat(graph.exit()).as(graph.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(graph.err()).contains("account me@gmail.com is a Google account; --via graph needs a Microsoft account: "
                + "use --via smtp or --via gmail-api");
    }

    /** Runs {@code command} with stdin from /dev/null; returns what it wrote on stdout and stderr. */
    private static String shell(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("TERM", "xterm");
        builder.environment().put("HOME", accounts.home().toString());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }
}
