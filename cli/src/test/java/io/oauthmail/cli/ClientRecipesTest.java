package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oauthmail.sandbox.Sandbox;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's recipes for real mail programs (msmtp, curl, git send-email, mbsync, NeoMutt), run against the
 * sandbox both ways: with {@code oauthmail token} as the program's password command, and through a real
 * {@code oauthmail serve --listen ...} process with the local password. Each checks that the message
 * arrived (or was read). A test whose program is not installed is skipped, naming the Debian package.
 */
@Tag("slow")
class ClientRecipesTest {

    private static final String ALICE = "alice@sandbox.test";
    private static final String BOB = "bob@sandbox.test";
    private static final String LOCAL_PASSWORD = "local password for recipes";

    @TempDir
    static Path home;
    private static Sandbox sandbox;
    private static Map<String, String> env;
    private static Path oauthmail;
    private static Process serve;
    private static int smtpProxy;
    private static int imapProxy;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        env = Map.of("OAUTHMAIL_HOME", home.resolve("oauthmail").toString(), "HOME", home.toString());
        SandboxHome.addAndLogIn(sandbox, env, ALICE);
        SandboxHome.addAndLogIn(sandbox, env, BOB);
        for (String user : List.of(ALICE, BOB)) {
            StringWriter err = new StringWriter();
            int set = OAuthMailCli.run(new String[] {"accounts", "set-local-password", user},
                    new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                    new ByteArrayInputStream((LOCAL_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)), env);
            assertThat(set).as(err.toString()).isZero();
        }
        Files.writeString(home.resolve("local-password"), LOCAL_PASSWORD + "\n");
        // `oauthmail` for the programs' password commands: this build's CLI, with this test's home.
        oauthmail = CliLauncher.write(home.resolve("bin/oauthmail"), env.get("OAUTHMAIL_HOME"));

        smtpProxy = freePort();
        imapProxy = freePort();
        Path log = home.resolve("serve.log");
        serve = new ProcessBuilder(oauthmail.toString(), "serve", "--listen", "smtp=127.0.0.1:" + smtpProxy,
                "--listen", "imap=127.0.0.1:" + imapProxy).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Awaits.daemonStarted(() -> Awaits.text(log), serve::isAlive);
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
        sandbox.close();
    }

    // --- msmtp -----------------------------------------------------------------------------------------------

    @Test
    void msmtpSendsWithTheTokenCommand() throws Exception {
        requires("msmtp", "msmtp");
        for (String auth : List.of("xoauth2", "oauthbearer")) {
            String subject = subject("msmtp " + auth);
            Path rc = privateFile("msmtprc-" + auth, """
                    defaults
                    tls on
                    tls_starttls on
                    tls_trust_file %s
                    account alice
                    host %s
                    port %d
                    auth %s
                    user %s
                    from %s
                    passwordeval "%s token %s"
                    """.formatted(sandbox.caFile(), sandbox.submission().host(), sandbox.submission().port(), auth, ALICE,
                    ALICE, oauthmail, ALICE));
            assertRan(run(message(subject), "msmtp", "-C", rc.toString(), "-a", "alice", BOB));
            assertArrived(subject);
        }
    }

    @Test
    void msmtpSendsThroughTheProxy() throws Exception {
        requires("msmtp", "msmtp");
        String subject = subject("msmtp proxy");
        Path rc = privateFile("msmtprc-proxy", """
                account alice
                host 127.0.0.1
                port %d
                tls off
                auth plain
                user %s
                from %s
                passwordeval "cat %s"
                """.formatted(smtpProxy, ALICE, ALICE, home.resolve("local-password")));
        assertRan(run(message(subject), "msmtp", "-C", rc.toString(), "-a", "alice", BOB));
        assertArrived(subject);
    }

    // --- curl ------------------------------------------------------------------------------------------------

    @Test
    void curlSendsAndReadsWithTheToken() throws Exception {
        requires("curl", "curl");
        String subject = subject("curl token");
        Path message = home.resolve("curl-token.eml");
        Files.writeString(message, message(subject));
        assertRan(run("", "sh", "-c", "curl -sS --ssl-reqd --cacert \"$CA\" smtp://" + sandbox.submission()
                + " --user " + ALICE + " --oauth2-bearer \"$(" + oauthmail + " token " + ALICE + ")\""
                + " --mail-from " + ALICE + " --mail-rcpt " + BOB + " --upload-file " + message));
        assertArrived(subject);
        Result read = run("", "sh", "-c", "curl -sS --cacert \"$CA\" --user " + BOB + " --oauth2-bearer \"$(" + oauthmail
                + " token " + BOB + ")\" 'imaps://" + sandbox.imaps() + "/INBOX' -X 'SEARCH SUBJECT \"" + subject + "\"'");
        assertRan(read);
        assertThat(read.output()).containsPattern("\\* SEARCH \\d+");
    }

    @Test
    void curlSendsAndReadsThroughTheProxy() throws Exception {
        requires("curl", "curl");
        String subject = subject("curl proxy");
        Path message = home.resolve("curl-proxy.eml");
        Files.writeString(message, message(subject));
        assertRan(run("", "curl", "-sS", "smtp://127.0.0.1:" + smtpProxy, "--user", ALICE + ":" + LOCAL_PASSWORD,
                "--mail-from", ALICE, "--mail-rcpt", BOB, "--upload-file", message.toString()));
        assertArrived(subject);
        Result read = run("", "curl", "-sS", "--user", BOB + ":" + LOCAL_PASSWORD, "imap://127.0.0.1:" + imapProxy + "/INBOX",
                "-X", "SEARCH SUBJECT \"" + subject + "\"");
        assertRan(read);
        assertThat(read.output()).containsPattern("\\* SEARCH \\d+");
    }

    // --- git send-email --------------------------------------------------------------------------------------

    @Test
    void gitSendEmailThroughTheProxy() throws Exception {
        requires("git", "git");
        requiresGitSendEmail();
        assumeTrue(run("", "perl", "-MAuthen::SASL", "-e", "1").exit() == 0,
                "git send-email cannot log in without Authen::SASL (Debian package libauthen-sasl-perl)");
        Path patch = patch("git proxy");
        assertRan(run("", "git", "-C", patch.getParent().toString(),
                "-c", "sendemail.smtpServer=127.0.0.1", "-c", "sendemail.smtpServerPort=" + smtpProxy,
                "-c", "sendemail.smtpUser=" + ALICE, "-c", "sendemail.smtpPass=" + LOCAL_PASSWORD,
                "-c", "sendemail.smtpEncryption=none", "-c", "sendemail.from=" + ALICE,
                "send-email", "--confirm=never", "--suppress-cc=all", "--to=" + BOB, patch.toString()));
        assertArrived("git proxy");
    }

    @Test
    void gitSendEmailThroughMsmtpAndTheTokenCommand() throws Exception {
        requires("git", "git");
        requires("msmtp", "msmtp");
        requiresGitSendEmail();
        Path rc = privateFile("msmtprc-git", """
                account alice
                host %s
                port %d
                tls on
                tls_starttls on
                tls_trust_file %s
                auth xoauth2
                user %s
                from %s
                passwordeval "%s token %s"
                """.formatted(sandbox.submission().host(), sandbox.submission().port(), sandbox.caFile(), ALICE, ALICE,
                oauthmail, ALICE));
        Path patch = patch("git msmtp");
        assertRan(run("", "git", "-C", patch.getParent().toString(),
                "-c", "sendemail.sendmailCmd=msmtp -C " + rc + " -a alice", "-c", "sendemail.from=" + ALICE,
                "send-email", "--confirm=never", "--suppress-cc=all", "--to=" + BOB, patch.toString()));
        assertArrived("git msmtp");
    }

    // --- mbsync (isync) --------------------------------------------------------------------------------------

    @Test
    void mbsyncPullsWithXoauth2AndTheTokenCommand() throws Exception {
        requires("mbsync", "isync");
        assumeTrue(hasSaslXoauth2(), "mbsync needs a Cyrus SASL XOAUTH2 plugin (Debian package libsasl2-modules-kdexoauth2)");
        String subject = sendToBob("mbsync token");
        // mbsync checks the certificate's DNS names only, not IP addresses: localhost, not 127.0.0.1.
        Path maildir = mbsync("token", """
                Host localhost
                Port %d
                User %s
                PassCmd "%s token %s"
                SSLType IMAPS
                CertificateFile %s
                AuthMechs XOAUTH2
                """.formatted(sandbox.imaps().port(), BOB, oauthmail, BOB, sandbox.caFile()));
        assertThat(maildirHas(maildir, subject)).as("a file in %s has Subject: %s", maildir, subject).isTrue();
    }

    @Test
    void mbsyncPullsThroughTheProxy() throws Exception {
        requires("mbsync", "isync");
        String subject = sendToBob("mbsync proxy");
        Path maildir = mbsync("proxy", """
                Host 127.0.0.1
                Port %d
                User %s
                PassCmd "cat %s"
                SSLType None
                AuthMechs LOGIN
                """.formatted(imapProxy, BOB, home.resolve("local-password")));
        assertThat(maildirHas(maildir, subject)).as("a file in %s has Subject: %s", maildir, subject).isTrue();
    }

    // --- NeoMutt (sending in batch mode; reading needs a terminal: tested by hand) ---------------------------

    @Test
    void neomuttSendsWithTheTokenCommand() throws Exception {
        requires("neomutt", "neomutt");
        String subject = subject("neomutt token");
        Path rc = privateFile("neomuttrc-token", """
                set from = "%s"
                set smtp_url = "smtp://%s@localhost:%d/"
                set ssl_starttls = yes
                set ssl_force_tls = yes
                set ssl_ca_certificates_file = "%s"
                set smtp_authenticators = "xoauth2"
                set smtp_oauth_refresh_command = "%s token %s"
                set record = ""
                """.formatted(ALICE, ALICE.replace("@", "%40"), sandbox.submission().port(), sandbox.caFile(), oauthmail, ALICE));
        assertRan(run("sent by NeoMutt\n", "neomutt", "-n", "-F", rc.toString(), "-s", subject, BOB));
        assertArrived(subject);
    }

    @Test
    void neomuttSendsThroughTheProxy() throws Exception {
        requires("neomutt", "neomutt");
        String subject = subject("neomutt proxy");
        Path rc = privateFile("neomuttrc-proxy", """
                set from = "%s"
                set smtp_url = "smtp://%s@127.0.0.1:%d/"
                set smtp_pass = "%s"
                set smtp_authenticators = "plain"
                set ssl_starttls = no
                set ssl_force_tls = no
                set record = ""
                """.formatted(ALICE, ALICE.replace("@", "%40"), smtpProxy, LOCAL_PASSWORD));
        assertRan(run("sent by NeoMutt\n", "neomutt", "-n", "-F", rc.toString(), "-s", subject, BOB));
        assertArrived(subject);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    record Result(int exit, String output) {
    }

    private static Result run(String stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(home.toFile());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("CA", sandbox.caFile().toString());
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        for (String who : List.of("AUTHOR", "COMMITTER")) {
            builder.environment().put("GIT_" + who + "_NAME", "Alice");
            builder.environment().put("GIT_" + who + "_EMAIL", ALICE);
        }
        Path output = Files.createTempFile(home, "output-", ".txt");
        Process process = builder.redirectOutput(output.toFile()).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out: " + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    private static void assertRan(Result result) {
        assertThat(result.exit()).as(result.output()).isZero();
    }

    private static void requires(String binary, String debianPackage) {
        boolean found = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
        assumeTrue(found, binary + " is not installed (Debian package " + debianPackage + ")");
    }

    private static void requiresGitSendEmail() throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of("/usr/lib/git-core/git-send-email")) || run("", "git", "send-email", "-h").exit() == 129,
                "git send-email is not installed (Debian package git-email)");
        assumeTrue(run("", "perl", "-MMail::Address", "-e", "1").exit() == 0,
                "git send-email needs Mail::Address (Debian package libmailtools-perl)");
    }

    private static boolean hasSaslXoauth2() throws IOException {
        try (Stream<Path> libs = Files.exists(Path.of("/usr/lib")) ? Files.walk(Path.of("/usr/lib"), 3) : Stream.empty()) {
            return libs.anyMatch(p -> p.getFileName().toString().startsWith("libkdexoauth2.so")
                    || p.getFileName().toString().startsWith("libxoauth2.so"));
        }
    }

    private static String subject(String what) {
        return what + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String message(String subject) {
        return "From: " + ALICE + "\r\nTo: " + BOB + "\r\nSubject: " + subject + "\r\n\r\nhello from a recipe\r\n";
    }

    private static Path privateFile(String name, String text) throws IOException {
        Path file = home.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")); // msmtp insists
        return file;
    }

    private static void assertArrived(String subject) throws MessagingException {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : sandbox.receivedMessages()) {
            subjects.add(m.getSubject());
        }
        assertThat(subjects).anyMatch(s -> s != null && s.contains(subject));
    }

    /** Alice sends Bob a message with oauthmail itself, for the reading recipes to find. */
    private static String sendToBob(String what) {
        String subject = subject(what);
        StringWriter err = new StringWriter();
        int sent = OAuthMailCli.run(new String[] {"send", ALICE, "--to", BOB, "--subject", subject},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                new ByteArrayInputStream("for the reading recipes\n".getBytes(StandardCharsets.UTF_8)), env);
        assertThat(sent).as(err.toString()).isZero();
        return subject;
    }

    /** A one-commit repository and its patch, for git send-email. */
    private static Path patch(String subject) throws IOException, InterruptedException {
        Path repo = Files.createTempDirectory(home, "repo-");
        assertRan(run("", "git", "-C", repo.toString(), "init", "-q"));
        Files.writeString(repo.resolve("file.txt"), subject + "\n");
        assertRan(run("", "git", "-C", repo.toString(), "add", "file.txt"));
        assertRan(run("", "git", "-C", repo.toString(), "commit", "-q", "-m", subject));
        assertRan(run("", "git", "-C", repo.toString(), "format-patch", "-q", "-1", "-o", repo.toString()));
        try (Stream<Path> files = Files.list(repo)) {
            return files.filter(p -> p.toString().endsWith(".patch")).findFirst().orElseThrow();
        }
    }

    /** Runs mbsync with {@code account} (the IMAPAccount lines) into a fresh Maildir; returns the Maildir. */
    private static Path mbsync(String name, String account) throws IOException, InterruptedException {
        Path maildir = Files.createDirectories(home.resolve("Mail-" + name));
        Path rc = privateFile("mbsyncrc-" + name, """
                IMAPAccount bob
                %s
                IMAPStore bob-remote
                Account bob

                MaildirStore bob-local
                Path %s/
                Inbox %s/INBOX

                Channel bob
                Far :bob-remote:
                Near :bob-local:
                Patterns INBOX
                Create Near
                Sync Pull
                SyncState *
                """.formatted(account, maildir, maildir));
        assertRan(run("", "mbsync", "-c", rc.toString(), "-a"));
        return maildir;
    }

    private static boolean maildirHas(Path maildir, String subject) throws IOException {
        try (Stream<Path> files = Files.walk(maildir)) {
            return files.filter(Files::isRegularFile).anyMatch(file -> {
                try {
                    return Files.readString(file, StandardCharsets.ISO_8859_1).contains("Subject: " + subject);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
