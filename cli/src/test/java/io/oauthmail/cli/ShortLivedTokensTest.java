package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens that live no longer than the old fixed 5-minute margin (Keycloak's default 300 s, and 60 s clients):
 * once, every {@code oauthmail token} refreshed and {@code send --each-to} opened a session per message. With the
 * margin a quarter of the token's life, a fresh token is reused until it is due.
 */
class ShortLivedTokensTest {

    @TempDir
    Path home;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(Map<String, String> env, InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), in, env);
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0} s tokens")
    @ValueSource(ints = {60, 300})
    void aFreshShortTokenIsReusedAndEachToIsOneSession(int lifetimeSeconds) throws Exception {
        try (Sandbox sandbox = Sandbox.builder().accessTokenLifetime(Duration.ofSeconds(lifetimeSeconds)).start()) {
            Map<String, String> env = SandboxHome.create(sandbox, home, "alice@sandbox.test");
            int refreshesBefore = sandbox.tokenRequests("refresh_token");

            Run first = run(env, InputStream.nullInputStream(), "token", "alice@sandbox.test");
            Run second = run(env, InputStream.nullInputStream(), "token", "alice@sandbox.test");
            Run third = run(env, InputStream.nullInputStream(), "token", "alice@sandbox.test");
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(second.out()).isEqualTo(first.out());
            assertThat(third.out()).isEqualTo(first.out());

            Path list = home.resolve("list.txt");
            StringBuilder recipients = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                recipients.append("alice@sandbox.test\n");
            }
            Files.writeString(list, recipients);
            int loginsBefore = sandbox.submissionLogins();
            Run sent = run(env, new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)),
                    "send", "alice@sandbox.test", "--each-to", list.toString(), "--subject", "each");
            assertThat(sent.exit()).as(sent.err()).isZero();
            assertThat(sandbox.submissionLogins() - loginsBefore).as("one SMTP session for 20 messages").isEqualTo(1);
            assertThat(sandbox.tokenRequests("refresh_token")).as("no refresh while the token is fresh")
                    .isEqualTo(refreshesBefore);
        }
    }
}
