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

/** An OAUTHMAIL_HOME whose accounts point at a sandbox and are logged in, set up through the CLI as a user would. */
final class SandboxHome {

    private SandboxHome() {
    }

    /** The environment for {@code OAuthMailCli.run} with {@code users} added and logged in. */
    static Map<String, String> create(Sandbox sandbox, Path home, String... users) throws Exception {
        Map<String, String> env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        for (String user : users) {
            addAndLogIn(sandbox, env, user);
        }
        return env;
    }

    /** Like {@link #create}, and each user gets {@code localPassword} for the proxies, set as a user would (stdin). */
    static Map<String, String> createWithLocalPassword(Sandbox sandbox, Path home, String localPassword, String... users)
            throws Exception {
        Map<String, String> env = create(sandbox, home, users);
        for (String user : users) {
            StringWriter err = new StringWriter();
            int set = OAuthMailCli.run(new String[] {"accounts", "set-local-password", user}, new PrintWriter(new StringWriter()),
                    new PrintWriter(err, true), new java.io.ByteArrayInputStream(
                            (localPassword + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)), env);
            assertThat(set).as(err.toString()).isZero();
        }
        return env;
    }

    /** Adds {@code user} (IMAPS, POP3S, STARTTLS submission, the sandbox's CA) and logs it in through the CLI. */
    static void addAndLogIn(Sandbox sandbox, Map<String, String> env, String user) throws Exception {
        StringWriter addErr = new StringWriter();
        int added = OAuthMailCli.run(new String[] {"accounts", "add", user, "--provider", "generic",
            "--issuer", sandbox.issuer().toString(), "--client-id", Sandbox.CLIENT_ID,
            "--scopes", "openid email " + Sandbox.MAIL_SCOPE, "--imap", sandbox.imaps() + ":tls",
            "--pop", sandbox.pop3s() + ":tls", "--smtp", sandbox.submission() + ":starttls",
            "--ca-file", sandbox.caFile().toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(addErr, true), InputStream.nullInputStream(), env);
        assertThat(added).as(addErr.toString()).isZero();
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
