package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.sasl.OAuthBearer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, item 6: a mechanism forced with {@code accounts add --sasl} is used, or the login fails saying the
 * server does not offer it; {@code test} names the mechanism it used, and its trace is masked truthfully and
 * carries no stack trace. The sandbox's submission port offers XOAUTH2 and OAUTHBEARER, its IMAP and POP3 only
 * XOAUTH2.
 */
class CliSaslTest {

    private static final String USER = "alice@sandbox.test";
    private static Sandbox sandbox;

    @TempDir
    Path home;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private Map<String, String> loggedIn(String... addOptions) throws Exception {
        Map<String, String> env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        SandboxHome.add(sandbox, env, USER, addOptions);
        SandboxHome.logIn(sandbox, env, USER, USER);
        return env;
    }

    @Test
    void withoutAChoiceTestNamesTheMechanismOfEachProtocol() throws Exception {
        Map<String, String> env = loggedIn();
        SandboxHome.Run test = SandboxHome.run(env, "test", USER);
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).containsPattern("(?m)^smtp .*OK: authenticated as " + USER + " with XOAUTH2 in")
                .containsPattern("(?m)^imap .*OK: authenticated as " + USER + " with XOAUTH2 in")
                .containsPattern("(?m)^pop3 .*OK: authenticated as " + USER + " with XOAUTH2 in");
    }

    @Test
    void aForcedOAuthBearerIsUsedWhereOfferedAndRefusedClearlyWhereNot() throws Exception {
        Map<String, String> env = loggedIn("--sasl", "oauthbearer");
        String token = SandboxHome.run(env, "token", USER).out().strip();
        int refreshes = sandbox.tokenRequests("refresh_token");

        SandboxHome.Run smtp = SandboxHome.run(env, "test", USER, "smtp", "--trace");
        assertThat(smtp.exit()).as(smtp.out() + smtp.err()).isZero();
        assertThat(smtp.out()).contains("OK: authenticated as " + USER + " with OAUTHBEARER");
        int sent = OAuthBearer.base64(USER, sandbox.submission().host(), sandbox.submission().port(), token).length();
        assertThat(smtp.err()).as("the mask says how long the argument sent was")
                .contains("AUTH OAUTHBEARER <redacted " + sent + " chars>").doesNotContain("XOAUTH2 <redacted")
                .doesNotContain(token).doesNotContain("\tat ");

        SandboxHome.Run imap = SandboxHome.run(env, "test", USER, "imap", "--trace");
        assertThat(imap.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(imap.out()).contains("FAILED: account " + USER + ": the IMAP server " + sandbox.imaps())
                .contains("offers none of OAUTHBEARER (forced by the account's sasl setting); it offers XOAUTH2")
                .contains("--sasl xoauth2");
        assertThat(imap.err()).doesNotContain("AUTHENTICATE").doesNotContain("\tat ");

        SandboxHome.Run pop = SandboxHome.run(env, "test", USER, "pop", "--trace");
        assertThat(pop.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(pop.out()).contains("FAILED: account " + USER + ": the POP3 server " + sandbox.pop3s())
                .contains("offers none of OAUTHBEARER").contains("--sasl xoauth2");
        assertThat(pop.err()).as("no AUTH XOAUTH2 instead").doesNotContain("AUTH ").contains("CAPA");

        assertThat(sandbox.tokenRequests("refresh_token")).as("a mechanism not offered is no reason to refresh")
                .isEqualTo(refreshes);
    }
}
