package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An OAUTHMAIL_HOME whose accounts point at a sandbox and are logged in, set up through the CLI as a user would. */
final class SandboxHome {

    private SandboxHome() {
    }

    /** What one command line printed and returned. */
    record Run(int exit, String out, String err) {
    }

    /** {@code oauthmail ARGS} in this JVM with {@code env}, nothing on stdin. */
    static Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), InputStream.nullInputStream(), env);
        return new Run(exit, out.toString(), err.toString());
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
        add(sandbox, env, user);
        logIn(sandbox, env, user, user);
    }

    /**
     * {@code oauthmail accounts add ACCOUNT ...} for the sandbox's servers; {@code more} are OPTION VALUE pairs that
     * replace the defaults' values or add options. Returns stderr.
     */
    static String add(Sandbox sandbox, Map<String, String> env, String account, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("accounts", "add", account,
            "--provider", "generic", "--issuer", sandbox.issuer().toString(), "--client-id", Sandbox.CLIENT_ID,
            "--scopes", "openid email " + Sandbox.MAIL_SCOPE, "--imap", sandbox.imaps() + ":tls",
            "--pop", sandbox.pop3s() + ":tls", "--smtp", sandbox.submission() + ":starttls",
            "--ca-file", sandbox.caFile().toString()));
        for (int i = 0; i + 1 < more.length; i += 2) { // OPTION VALUE pairs: replace a default, or add
            int at = args.indexOf(more[i]);
            if (at >= 0) {
                args.set(at + 1, more[i + 1]);
            } else {
                args.addAll(java.util.List.of(more[i], more[i + 1]));
            }
        }
        StringWriter addErr = new StringWriter();
        int added = OAuthMailCli.run(args.toArray(String[]::new), new PrintWriter(new StringWriter(), true),
                new PrintWriter(addErr, true), InputStream.nullInputStream(), env);
        assertThat(added).as(addErr.toString()).isZero();
        return addErr.toString();
    }

    /** {@code oauthmail login ACCOUNT}, approved in the sandbox's browser as {@code user}. */
    static void logIn(Sandbox sandbox, Map<String, String> env, String account, String user) throws Exception {
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> OAuthMailCli.run(
                new String[] {"login", account, "--no-browser"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true), InputStream.nullInputStream(), env));
        sandbox.browser().approve(Awaits.loginUrl(err), user);
        assertThat(login.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }
}
