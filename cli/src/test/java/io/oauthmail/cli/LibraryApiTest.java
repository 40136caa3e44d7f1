package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.OAuthMail;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.Email;
import io.oauthmail.mail.InboxReader;
import io.oauthmail.mail.MessageSummary;
import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's three lines for Java programs, on accounts set up with the CLI, against the sandbox. */
class LibraryApiTest {

    @TempDir
    Path home;

    @Test
    void fromConfigSendsWithTheAccountsTheCliSetUp() throws Exception {
        Map<String, String> env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        try (Sandbox sandbox = Sandbox.start()) {
            for (String user : new String[] {"alice@sandbox.test", "bob@sandbox.test"}) {
                addAndLogIn(sandbox, env, user);
            }
            try (var mail = OAuthMail.fromEnvironment(env)) {
                mail.send("alice@sandbox.test", Email.to("bob@sandbox.test").subject("Hi").html("<b>Hello</b>"));
                assertThat(new InboxReader(mail.sessions()).list(mail.account("bob@sandbox.test"), "INBOX", 5))
                        .extracting(MessageSummary::subject).contains("Hi");
                assertThatThrownBy(() -> mail.send("nobody", Email.to("bob@sandbox.test").subject("x").text("x")))
                        .isInstanceOf(OAuthMailException.class).hasMessageContaining("no account named nobody");
            }
        }
    }

    private static void addAndLogIn(Sandbox sandbox, Map<String, String> env, String user) throws Exception {
        StringWriter err = new StringWriter();
        assertThat(OAuthMailCli.run(new String[] {"accounts", "add", user, "--provider", "generic", "--issuer",
            sandbox.issuer().toString(), "--client-id", Sandbox.CLIENT_ID, "--scopes", "openid email " + Sandbox.MAIL_SCOPE,
            "--imap", sandbox.imaps() + ":tls", "--smtp", sandbox.submission() + ":starttls", "--ca-file",
            sandbox.caFile().toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err), InputStream.nullInputStream(),
                env)).as(err.toString()).isZero();
        StringWriter loginErr = new StringWriter();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> OAuthMailCli.run(new String[] {"login", user,
            "--no-browser"}, new PrintWriter(new StringWriter(), true), new PrintWriter(loginErr, true),
                InputStream.nullInputStream(), env));
        sandbox.browser().approve(Awaits.loginUrl(loginErr), user);
        assertThat(login.get(30, TimeUnit.SECONDS)).as(loginErr.toString()).isZero();
    }
}
