package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
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

    private SandboxHome.Run run(String... args) {
        return SandboxHome.run(env, args);
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
        SandboxHome.Run send = run("send", ACCOUNT, "--to", "bob@sandbox.test", "--subject", "re-added", "--text", body.toString());
        assertThat(send.exit()).as(send.err()).isZero();
        SandboxHome.Run test = run("test", ACCOUNT, "smtp");
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).contains("OK: authenticated as " + USER);
    }

    @Test
    void anotherClientDropsTheTokensAndTheAddressAndSaysToLogInAgain() {
        String again = SandboxHome.add(sandbox, env, ACCOUNT, "--client-id", "another-client");
        assertThat(again).contains("client id changed").contains("the account must log in again: oauthmail login " + ACCOUNT);

        SandboxHome.Run show = run("accounts", "show", ACCOUNT);
        assertThat(show.out()).contains("e-mail:        - (learned at login)").contains("not-logged-in");
        SandboxHome.Run token = run("token", ACCOUNT);
        assertThat(token.exit()).isEqualTo(ExitCodes.REAUTHORIZE);
        assertThat(token.err()).contains("oauthmail login " + ACCOUNT);
    }

    @Test
    void otherScopesDropTheTokensToo() {
        String again = SandboxHome.add(sandbox, env, ACCOUNT, "--scopes", "openid " + Sandbox.MAIL_SCOPE);
        assertThat(again).contains("scopes changed").contains("oauthmail login " + ACCOUNT);
        assertThat(run("accounts", "show", ACCOUNT).out()).contains("not-logged-in");
    }

    /**
     * An account left without an address by the old defect (tokens, no {@code email}): {@code send} says which
     * account lacks what and how to fix it; {@code test} does not blame the token, nor spend a refresh on it.
     */
    @Test
    void anAccountWithoutAnAddressIsToldSoWithoutSpendingARefresh() throws Exception {
        Path config = home.resolve("config.toml");
        Files.writeString(config, Files.readString(config).replace("email = \"" + USER + "\"\n", ""));
        assertThat(run("accounts", "show", ACCOUNT).out()).contains("e-mail:        -");

        Path body = Files.writeString(home.resolve("body.txt"), "no address\n");
        SandboxHome.Run send = run("send", ACCOUNT, "--to", "bob@sandbox.test", "--subject", "no address", "--text", body.toString());
        assertThat(send.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(send.err()).contains("account " + ACCOUNT + " has no e-mail address")
                .contains("oauthmail login " + ACCOUNT).contains("--email").doesNotContain("token");

        int refreshes = sandbox.tokenRequests("refresh_token");
        SandboxHome.Run test = run("test", ACCOUNT, "smtp");
        assertThat(test.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(test.out()).contains("refused the login as \"" + ACCOUNT + "\", which is not an e-mail address")
                .contains("oauthmail login " + ACCOUNT).doesNotContain("refused the token");
        assertThat(sandbox.tokenRequests("refresh_token")).as("no refresh spent").isEqualTo(refreshes);
    }
}
