package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mail commands (test, send, fetch) end to end against the sandbox, as a script would run them. */
class CliMailTest {

    private static Sandbox sandbox;
    @TempDir
    static Path home;
    private static Map<String, String> env;

    record Run(int exit, String out, String err) {
    }

    static Run run(InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), in, env);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        for (String user : new String[] {"alice@sandbox.test", "bob@sandbox.test"}) {
            Run added = run("accounts", "add", user, "--provider", "generic", "--issuer", sandbox.issuer().toString(),
                    "--client-id", Sandbox.CLIENT_ID, "--scopes", "openid email " + Sandbox.MAIL_SCOPE,
                    "--imap", sandbox.imaps() + ":tls", "--pop", sandbox.pop3s() + ":tls",
                    "--smtp", sandbox.submission() + ":starttls", "--ca-file", sandbox.caFile().toString());
            assertThat(added.exit()).as(added.err()).isZero();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> OAuthMailCli.run(
                    new String[] {"login", user, "--no-browser"}, new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true), InputStream.nullInputStream(), env));
            URI url = null;
            for (int i = 0; i < 200 && url == null; i++) {
                url = err.toString().lines().filter(l -> l.startsWith("http")).map(URI::create).findFirst().orElse(null);
                Thread.sleep(25);
            }
            sandbox.browser().approve(url, user);
            assertThat(login.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        }
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void testReportsEveryProtocolWithCapabilities() {
        Run test = run("test", "alice@sandbox.test");
        assertThat(test.exit()).as(test.out() + test.err()).isZero();
        assertThat(test.out()).containsPattern("(?m)^smtp .*OK: authenticated as alice@sandbox.test")
                .containsPattern("(?m)^imap .*OK").containsPattern("(?m)^pop3 .*OK")
                .contains("AUTH XOAUTH2 OAUTHBEARER").contains("AUTH=XOAUTH2");
    }

    @Test
    void theTraceMasksTokensUnlessAskedToShowThem() {
        String token = run("token", "alice@sandbox.test").out().strip();
        Run traced = run("test", "alice@sandbox.test", "smtp", "--trace");
        assertThat(traced.exit()).isZero();
        assertThat(traced.err()).contains("STARTTLS").contains("AUTH XOAUTH2 <redacted").doesNotContain(token)
                .doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.");
        Run shown = run("test", "alice@sandbox.test", "imap", "--trace", "--show-secrets");
        assertThat(shown.err()).contains("AUTHENTICATE XOAUTH2").doesNotContain("<redacted");
    }

    @Test
    void aServerThatIsNotThereFailsTheVerdictAndTheExitCode() {
        Run added = run("accounts", "add", "broken", "--provider", "generic", "--issuer", sandbox.issuer().toString(),
                "--client-id", Sandbox.CLIENT_ID, "--scopes", "openid email " + Sandbox.MAIL_SCOPE,
                "--smtp", "127.0.0.1:1:starttls", "--email", "alice@sandbox.test");
        assertThat(added.exit()).isZero();
        // the tokens of alice, stored under the broken account's name, so only the server is wrong
        io.oauthmail.store.EncryptedFileStore store = io.oauthmail.store.EncryptedFileStore.openWithKeyFile(home.resolve("tokens"));
        store.save("broken", store.load("alice@sandbox.test").orElseThrow());
        Run test = run("test", "broken", "smtp");
        assertThat(test.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(test.out()).contains("FAILED").contains("127.0.0.1:1");
    }
}
