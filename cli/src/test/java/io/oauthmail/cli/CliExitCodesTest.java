package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's table of exit codes, a test per row (and per usage error issue 11 found), run as a script runs
 * the commands. Whatever the code, stderr has a message and never a stack trace.
 */
class CliExitCodesTest {

    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;
    /** A port nothing listens on: bound, noted, closed. */
    private static int deadPort;

    record Run(int exit, String out, String err) {
    }

    static Run run(InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), in, env);
        Run run = new Run(exit, out.toString(), err.toString());
        assertThat(run.err()).as("no stack trace for " + String.join(" ", args)).doesNotContain("\tat ");
        return run;
    }

    static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    private static InputStream text(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = SandboxHome.create(sandbox, home, "alice@sandbox.test", "bob@sandbox.test");
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Run added = run("accounts", "add", "unreachable", "--provider", "generic", "--issuer", sandbox.issuer().toString(),
                "--client-id", Sandbox.CLIENT_ID, "--scopes", "openid email " + Sandbox.MAIL_SCOPE,
                "--smtp", "127.0.0.1:" + deadPort + ":plain", "--imap", "127.0.0.1:" + deadPort + ":plain",
                "--email", "alice@sandbox.test");
        assertThat(added.exit()).as(added.err()).isZero();
        // alice's tokens under this account's name, so only the servers are wrong
        EncryptedFileStore store = EncryptedFileStore.openWithKeyFile(home.resolve("tokens"));
        store.save("unreachable", store.load("alice@sandbox.test").orElseThrow());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void zeroWhenItWorked() {
        Run sent = run(text("hello"), "send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "exit 0");
        assertThat(sent.exit()).as(sent.err()).isEqualTo(ExitCodes.OK);
    }

    @Test
    void oneWhenTheServerRefusesWhatWasAsked() {
        Run missing = run("fetch", "alice@sandbox.test", "--folder", "NoSuchFolder");
        assertThat(missing.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("no folder NoSuchFolder");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "send alice@sandbox.test --to bob@sandbox.test --subject x --via pigeon | pigeon | smtp, gmail-api, graph",
        "fetch alice@sandbox.test --format xml | xml | summary, json, eml",
        "send alice@sandbox.test --to bob@sandbox.test | --subject | --eml",
        "accounts add x --provider gogle --client-id c | gogle | google, microsoft, generic, custom",
        "login alice@sandbox.test --flow bogus | bogus | browser, paste, device",
        "accounts add x --provider google --client-id c --flow bogus | bogus | client-credentials, service-account",
        "accounts add x --provider google --client-id c --sasl plain | plain | xoauth2, oauthbearer",
        "accounts add x --provider google --client-id c --imap 127.0.0.1 | 127.0.0.1 | HOST:PORT",
        "fetch alice@sandbox.test --limit 0 | --limit | at least 1",
        "frobnicate | frobnicate | oauthmail",
        "test alice@sandbox.test smtpx | smtpx | smtp, imap, pop or all",
        "send alice@sandbox.test --to bob@sandbox.test --subject x --via graph | --via graph | use --via smtp",
        "send alice@sandbox.test --to bob@sandbox.test --subject x --charset klingon | klingon | ISO-8859-1",
        "help accounts frobnicate | frobnicate | list, show, add, remove",
        "serve --listen imap=127.0.0.1:0 --tls ssl | ssl | none, starttls, implicit",
    })
    void twoForWrongUsageNamingTheValueAndWhatIsAccepted(String line, String named, String accepted) {
        Run wrong = run(text("body"), line.split(" "));
        assertThat(wrong.exit()).as(wrong.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrong.err()).contains(named).contains(accepted);
    }

    @Test
    void threeWhenTheAccountMustBeAuthorizedAgain() {
        assertThat(run("logout", "bob@sandbox.test").exit()).isZero();
        Run token = run("token", "bob@sandbox.test");
        assertThat(token.exit()).isEqualTo(ExitCodes.REAUTHORIZE);
        assertThat(token.err()).contains("oauthmail login bob@sandbox.test");
    }

    @Test
    void fourWhenNothingListensOnTheSmtpPort() {
        Run sent = run(text("hello"), "send", "unreachable", "--to", "bob@sandbox.test", "--subject", "nobody there");
        assertThat(sent.exit()).as(sent.err()).isEqualTo(ExitCodes.TEMPORARY);
        assertThat(sent.err()).contains("account unreachable").contains("SMTP server 127.0.0.1:" + deadPort)
                .contains("oauthmail accounts show unreachable").contains("nc -vz 127.0.0.1 " + deadPort);
    }

    @Test
    void fourWhenNothingListensOnTheImapPort() {
        Run fetched = run("fetch", "unreachable");
        assertThat(fetched.exit()).as(fetched.err()).isEqualTo(ExitCodes.TEMPORARY);
        assertThat(fetched.err()).contains("account unreachable").contains("IMAP server 127.0.0.1:" + deadPort)
                .contains("try again");
    }

    @Test
    void testSaysFourWhenNoServerAnswersAndOneWhenTheyFailedInDifferentWays() {
        Run tested = run("test", "unreachable");
        assertThat(tested.exit()).as(tested.out() + tested.err()).isEqualTo(ExitCodes.TEMPORARY);
        assertThat(tested.out()).contains("smtp").contains("imap").contains("FAILED").contains("127.0.0.1:" + deadPort);
        Run smtpOnly = run("test", "unreachable", "smtp");
        assertThat(smtpOnly.exit()).isEqualTo(ExitCodes.TEMPORARY);
        Run working = run("test", "alice@sandbox.test");
        assertThat(working.exit()).as(working.out()).isZero();
    }

    @Test
    void fiveWhenALoginDoesNotComplete() {
        Run login = run("login", "alice@sandbox.test", "--no-browser", "--timeout", "1");
        assertThat(login.exit()).as(login.err()).isEqualTo(ExitCodes.AUTHORIZATION_FAILED);
        assertThat(login.err()).contains("oauthmail login alice@sandbox.test");
    }
}
