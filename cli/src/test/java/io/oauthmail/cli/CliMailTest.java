package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.sandbox.Sandbox;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
        env = SandboxHome.create(sandbox, home, "alice@sandbox.test", "bob@sandbox.test");
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
    void fetchNewShowsOnlyWhatArrivedSinceAndTheFormatsWork() throws Exception {
        assertThat(run("fetch", "bob@sandbox.test", "--new", "--limit", "1000").exit()).isZero(); // remember where we are
        sendAsAlice("first new one");
        sendAsAlice("second new one");
        Run fresh = run("fetch", "bob@sandbox.test", "--new");
        assertThat(fresh.exit()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains("first new one").contains("second new one");
        assertThat(fresh.err()).contains("2 new message(s)");
        assertThat(run("fetch", "bob@sandbox.test", "--new").out()).isEmpty();

        sendAsAlice("a third");
        Run json = run("fetch", "bob@sandbox.test", "--format", "json", "--limit", "1");
        assertThat(json.out().lines().count()).isEqualTo(1);
        assertThat(json.out()).contains("\"subject\":\"a third\"").contains("\"parts\":[\"text/plain\"]");
        Run eml = run("fetch", "bob@sandbox.test", "--format", "eml", "--limit", "1");
        assertThat(eml.out()).startsWith("From oauthmail ").contains("Subject: a third");
    }

    @Test
    void fetchAsEmlWritesTheStoredBytesUnchanged() throws Exception {
        // ISO-8859-1, 8bit: the é is the one byte 0xE9, which is no UTF-8; a line starting "From " gets mbox's ">"
        byte[] stored = ("From: alice@sandbox.test\r\nTo: bob@sandbox.test\r\nSubject: latin1\r\n"
                + "Date: Thu, 26 Nov 2026 08:00:00 +0000\r\nMessage-ID: <latin1@sandbox.test>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "caf\u00e9\r\nFrom here\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        sandbox.deliver("bob@sandbox.test", new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(stored)));

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(new String[] {"fetch", "bob@sandbox.test", "--format", "eml", "--limit", "1"},
                out, new PrintWriter(err, true), InputStream.nullInputStream(), env);

        assertThat(exit).as(err.toString()).isZero();
        byte[] expected = ("From oauthmail 2026-11-26T08:00:00Z\n" + new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("\r\n", "\n").replace("\nFrom here", "\n>From here") + "\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(out.toByteArray()).containsSubsequence((byte) 'c', (byte) 'a', (byte) 'f', (byte) 0xE9, (byte) '\n')
                .isEqualTo(expected);
    }

    @Test
    void newWithALimitShowsTheOldestNewOnesAndTheNextNewTheRest() throws Exception {
        assertThat(run("fetch", "bob@sandbox.test", "--new", "--limit", "1000").exit()).isZero(); // remember where we are
        sendAsAlice("new 1");
        sendAsAlice("new 2");
        sendAsAlice("new 3");

        Run first = run("fetch", "bob@sandbox.test", "--new", "--limit", "2");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("new 1").contains("new 2").doesNotContain("new 3");
        assertThat(first.err()).contains("2 new message(s) in INBOX (1 more: run fetch --new again)");
        Run rest = run("fetch", "bob@sandbox.test", "--new", "--limit", "2");
        assertThat(rest.out()).contains("new 3").doesNotContain("new 1").doesNotContain("new 2");
        assertThat(rest.err()).contains("1 new message(s) in INBOX").doesNotContain("more");
        assertThat(run("fetch", "bob@sandbox.test", "--new").out()).isEmpty();
    }

    @Test
    void aResetMailboxIsNoticedNotMisread() throws Exception {
        assertThat(run("fetch", "bob@sandbox.test", "--new").exit()).isZero();
        // pretend the last look saw a folder with another UIDVALIDITY and a high UID
        java.nio.file.Path state = java.nio.file.Files.list(home.resolve("state/fetch")).findFirst().orElseThrow();
        java.nio.file.Files.writeString(state, "uidvalidity=1\nlastuid=999999\n");
        sendAsAlice("after the reset");
        Run after = run("fetch", "bob@sandbox.test", "--new", "--limit", "100");
        assertThat(after.err()).contains("was reset (its UIDVALIDITY changed from 1");
        assertThat(after.out()).contains("after the reset");
    }

    @Test
    void fetchOfAMissingFolderSaysSo() {
        Run missing = run("fetch", "bob@sandbox.test", "--folder", "NoSuchFolder");
        assertThat(missing.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("there is no folder NoSuchFolder");
    }

    private static void sendAsAlice(String subject) throws Exception {
        io.oauthmail.config.OAuthMailPaths paths = io.oauthmail.config.OAuthMailPaths.fromEnvironment(env, null);
        io.oauthmail.account.Account alice = io.oauthmail.config.AccountResolver.withSecret(
                io.oauthmail.config.ConfigReader.read(paths).account("alice@sandbox.test").orElseThrow());
        io.oauthmail.store.EncryptedFileStore store = io.oauthmail.store.EncryptedFileStore.openWithKeyFile(paths.tokenDir());
        try (io.oauthmail.mail.SmtpSender sender = new io.oauthmail.mail.SmtpSender(new io.oauthmail.mail.MailSessions(
                new io.oauthmail.token.TokenManager(store, java.time.Clock.systemUTC()), Duration.ofSeconds(10)))) {
            sender.send(alice, io.oauthmail.mail.Email.to("bob@sandbox.test").subject(subject).text("hello"));
        }
    }

    @Test
    void sendsHtmlWithAnInlineImageAndAnAttachmentThenFetchSeesIt() throws Exception {
        java.nio.file.Path html = home.resolve("mail.html");
        java.nio.file.Files.writeString(html, "<h1>Report</h1><p><img src=\"cid:logo\" alt=\"logo\"> see attached</p>");
        java.nio.file.Path logo = home.resolve("logo.png");
        java.nio.file.Files.write(logo, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        java.nio.file.Path report = home.resolve("Über report.pdf");
        java.nio.file.Files.writeString(report, "%PDF-1.4 fake");
        Run sent = run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "Réport",
                "--html", html.toString(), "--inline", "logo=" + logo, "--attach", report.toString());
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out().strip()).matches("<[^@]+@sandbox\\.test>");
        Run fetched = run("fetch", "bob@sandbox.test", "--format", "json", "--limit", "1");
        assertThat(fetched.out()).contains("\"subject\":\"Réport\"")
                .contains("text/plain").contains("text/html").contains("image/png").contains("application/pdf");
    }

    @Test
    void eachToSendsOneMessagePerRecipientAndReportsFailures() throws Exception {
        java.nio.file.Path list = home.resolve("list.txt");
        java.nio.file.Files.writeString(list, "# team\nbob@sandbox.test\nnobody@sandbox.test\n\nalice@sandbox.test\n");
        Run sent = run(new java.io.ByteArrayInputStream("hello everyone".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "send", "alice@sandbox.test", "--each-to", list.toString(), "--subject", "to each");
        assertThat(sent.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(sent.out().lines().count()).isEqualTo(2);
        assertThat(sent.err()).contains("sent 2, failed 1").contains("failed nobody@sandbox.test");
    }

    @Test
    void dryRunPrintsTheMessageAndContactsNoServer() {
        Run dry = run(new java.io.ByteArrayInputStream("just text".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--bcc", "carol@example.com", "--subject", "dry", "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("Subject: dry").contains("just text").doesNotContain("carol");
        assertThat(dry.err()).contains("dry run: not sent").contains("carol@example.com");
    }

    @Test
    void badSendInputIsRefusedClearly() {
        assertThat(run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "x", "--text", "/nonexistent/body.txt").err())
                .contains("/nonexistent/body.txt");
        assertThat(run("send", "alice@sandbox.test", "--to", "not an address", "--subject", "x", "--text", "/etc/hostname").err())
                .contains("not an address");
        assertThat(run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--text", "/etc/hostname").err())
                .contains("--subject");
        assertThat(run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "x", "--text", "/etc/hostname",
                "--attach", "/nonexistent/file.pdf").err()).contains("/nonexistent/file.pdf");
    }

    @Test
    void anAttachmentOverGmailsLimitIsRefusedBeforeConnecting() throws Exception {
        assertThat(run("accounts", "add", "me@gmail.com", "--provider", "google", "--client-id", "x.apps.googleusercontent.com")
                .exit()).isZero();
        java.nio.file.Path big = home.resolve("big.bin");
        try (var out = java.nio.file.Files.newOutputStream(big)) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 27; i++) { // 27 MiB, ~36.5 MB once base64-encoded
                out.write(chunk);
            }
        }
        Run refused = run("send", "me@gmail.com", "--to", "you@example.com", "--subject", "big", "--text", "/etc/hostname",
                "--attach", big.toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains("over google's SMTP limit of 34.2 MB").contains("nothing was sent");
        java.nio.file.Files.delete(big);
    }

    /** A daemon for alice and bob, in-process, on this home's control socket. */
    private static io.oauthmail.server.Daemon startDaemon(io.oauthmail.token.TokenManager tokens) throws Exception {
        io.oauthmail.config.OAuthMailPaths paths = io.oauthmail.config.OAuthMailPaths.fromEnvironment(env, null);
        io.oauthmail.config.Config config = io.oauthmail.config.ConfigReader.read(paths);
        java.util.List<io.oauthmail.account.Account> accounts = new java.util.ArrayList<>();
        for (String user : new String[] {"alice@sandbox.test", "bob@sandbox.test"}) {
            accounts.add(io.oauthmail.config.AccountResolver.withSecret(config.account(user).orElseThrow()));
        }
        return io.oauthmail.server.Daemon.start(accounts, tokens, Map.of(), io.oauthmail.server.Daemon.socketIn(paths.stateDir()));
    }

    private static io.oauthmail.token.TokenManager tokenManager() {
        return new io.oauthmail.token.TokenManager(io.oauthmail.store.EncryptedFileStore.openWithKeyFile(home.resolve("tokens")),
                java.time.Clock.systemUTC());
    }

    @Test
    void tokenAsksTheRunningDaemonFirstFromJavaAndFromTheLauncherWithoutAJvm() throws Exception {
        io.oauthmail.token.TokenManager tokens = tokenManager();
        try (io.oauthmail.server.Daemon daemon = startDaemon(tokens)) {
            String expected = tokens.accessToken(io.oauthmail.config.AccountResolver.withoutSecret(
                    io.oauthmail.config.ConfigReader.read(io.oauthmail.config.OAuthMailPaths.fromEnvironment(env, null))
                            .account("alice@sandbox.test").orElseThrow()));
            // A wrong passphrase would make the store refuse: only the daemon can answer this.
            Map<String, String> wrongKey = new java.util.HashMap<>(env);
            wrongKey.put("OAUTHMAIL_PASSPHRASE", "not the key");
            java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(io.oauthmail.cli.token.TokenFastPath.tryRun(new String[] {"token", "alice@sandbox.test"}, out, wrongKey)).isTrue();
            assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).strip()).isEqualTo(expected);
            printed.reset();
            assertThat(io.oauthmail.cli.token.TokenFastPath.tryRun(
                    new String[] {"token", "alice@sandbox.test", "--format", "xoauth2"}, out, wrongKey)).isTrue();
            assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
                    .isEqualTo("user=alice@sandbox.test\u0001auth=Bearer " + expected + "\u0001\u0001");

            // The launcher's path: a PATH with curl and no java, so an unanswered request could not fall back quietly.
            Path bin = java.nio.file.Files.createDirectories(home.resolve("bin-curl-only"));
            Path curl = Path.of("/usr/bin/curl");
            org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(curl), "curl is not installed");
            java.nio.file.Files.deleteIfExists(bin.resolve("curl"));
            java.nio.file.Files.createSymbolicLink(bin.resolve("curl"), curl);
            Path launcher = Path.of("..", "oauthmail").toAbsolutePath().normalize();
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", launcher.toString(), "token", "alice@sandbox.test");
            builder.environment().clear();
            builder.environment().putAll(Map.of("OAUTHMAIL_HOME", home.toString(), "PATH", bin.toString()));
            Process process = builder.start();
            String stdout = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String stderr = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(stderr).isZero();
            assertThat(stdout).isEqualTo(expected + "\n");
            // An account the daemon does not serve goes on to Java, which this PATH does not have.
            builder.command("/bin/sh", launcher.toString(), "token", "nobody@sandbox.test");
            Process fallback = builder.start();
            assertThat(fallback.waitFor()).isEqualTo(127);
            assertThat(new String(fallback.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("no Java found");
        }
    }

    @Test
    void statusAsksTheRunningDaemonAndSaysWhenThereIsNone() throws Exception {
        try (io.oauthmail.server.Daemon daemon = startDaemon(tokenManager())) {
            // the first refresh pass runs in the background
            Run status = Awaits.polling("both accounts ok in the status", Duration.ofSeconds(10))
                    .until(() -> run("status"), s -> s.out().lines().filter(l -> l.contains(" ok ")).count() == 2);
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("alice@sandbox.test").contains("bob@sandbox.test").contains("next refresh");
            assertThat(run("status", "--json").out()).contains("\"status\":\"ok\"").doesNotContain("eyJ");
        }
        Run none = run("status");
        assertThat(none.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(none.err()).contains("oauthmail serve is not running").contains("start it: oauthmail serve");
    }

    @Test
    void theLocalPasswordIsReadFromStdinAndStoredOnlyAsAHash() throws Exception {
        Run set = run(new java.io.ByteArrayInputStream("a local secret 1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "accounts", "set-local-password", "alice@sandbox.test");
        assertThat(set.exit()).as(set.err()).isZero();
        java.nio.file.Path file = home.resolve("state/local-passwords");
        assertThat(java.nio.file.Files.readString(file)).startsWith("alice@sandbox.test\t").doesNotContain("a local secret");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(new io.oauthmail.server.proxy.LocalPasswords(file).verify("alice@sandbox.test", "a local secret 1".toCharArray()))
                .isTrue();
        assertThat(run(new java.io.ByteArrayInputStream("short\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                "accounts", "set-local-password", "alice@sandbox.test").err()).contains("at least 8 characters");
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
        assertThat(test.exit()).as("nothing listens: a network failure").isEqualTo(ExitCodes.TEMPORARY);
        assertThat(test.out()).contains("FAILED").contains("127.0.0.1:1");
    }
}
