package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 4: {@code accounts add} run again on an account that has logged in. The account's name is not an
 * address ("erinob"), so everything that needs one depends on the address learned at login.
 */
class CliAccountReAddTest {

    private static final String ACCOUNT = "erinob";
    private static final String USER = "alice@sandbox.test";
    private static Sandbox sandbox;

    @TempDir
    Path home;
    private Map<String, String> env;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), InputStream.nullInputStream(), env);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void addAndLogIn() throws Exception {
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        SandboxHome.add(sandbox, env, ACCOUNT);
        SandboxHome.logIn(sandbox, env, ACCOUNT, USER);
        assertThat(run("accounts", "show", ACCOUNT).out()).contains("e-mail:        " + USER);
    }

    @Test
    void theSameSettingsAgainKeepTheLearnedAddressAndTheLogin() throws Exception {
        String token = run("token", ACCOUNT).out().strip();

        String again = SandboxHome.add(sandbox, env, ACCOUNT, "--sasl", "xoauth2"); // a change the grant does not mind
        assertThat(again).contains("updated account " + ACCOUNT).contains("kept its login and its address " + USER);

        assertThat(run("accounts", "show", ACCOUNT).out()).contains("e-mail:        " + USER).contains("status:        ok");
        assertThat(run("token", ACCOUNT).out().strip()).as("the same tokens").isEqualTo(token);
        Path body = Files.writeString(home.resolve("body.txt"), "after accounts add again\n");
        Run send = run("send", ACCOUNT, "--to", "bob@sandbox.test", "--subject", "re-added", "--text", body.toString());
        assertThat(send.exit()).as(send.err()).isZero();
        Run test = run("test", ACCOUNT, "smtp");
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).contains("OK: authenticated as " + USER);
    }

    @Test
    void anotherClientDropsTheTokensAndTheAddressAndSaysToLogInAgain() {
        String again = SandboxHome.add(sandbox, env, ACCOUNT, "--client-id", "another-client");
        assertThat(again).contains("client id changed").contains("the account must log in again: oauthmail login " + ACCOUNT);

        Run show = run("accounts", "show", ACCOUNT);
        assertThat(show.out()).contains("e-mail:        - (learned at login)").contains("not-logged-in");
        Run token = run("token", ACCOUNT);
        assertThat(token.exit()).isEqualTo(ExitCodes.REAUTHORIZE);
        assertThat(token.err()).contains("oauthmail login " + ACCOUNT);
    }

    @Test
    void otherScopesDropTheTokensToo() {
        String again = SandboxHome.add(sandbox, env, ACCOUNT, "--scopes", "openid " + Sandbox.MAIL_SCOPE);
        assertThat(again).contains("scopes changed").contains("oauthmail login " + ACCOUNT);
        assertThat(run("accounts", "show", ACCOUNT).out()).contains("not-logged-in");
    }
}
