package io.oauthmail.cli.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.CliLauncher;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.store.EncryptedFileStore;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One test's {@code OAUTHMAIL_HOME}, with accounts on the test bed, driven through the CLI as a user would:
 * most commands in this JVM ({@link OAuthMailCli#run}), {@code login} as a process under the test bed's
 * {@code browser.py}, which plays the user's browser on Keycloak's real pages, and {@code token} as a process
 * too, since mail programs run it that way and {@code Main} answers it on a path of its own.
 */
final class TestBedHome {

    /** What one command did. {@code out} of {@code token} is a token: never put it in a message. */
    record Run(int exit, String out, String err, Duration took) {

        /** stderr without the lines of browser.py ({@code [browser] ...}): what the tool itself said. */
        String toolErr() {
            return err.lines().filter(line -> !line.startsWith("[browser]")).collect(Collectors.joining("\n"));
        }
    }

    private final Path dir;
    private final Path oauthmailHome;
    private final Map<String, String> env;
    private final Path launcher;
    private int processes;

    TestBedHome(Path dir) throws IOException {
        this.dir = dir;
        this.oauthmailHome = dir.resolve("oauthmail");
        this.env = Map.of("OAUTHMAIL_HOME", oauthmailHome.toString(), "HOME", dir.toString());
        this.launcher = CliLauncher.write(dir.resolve("bin/oauthmail"), oauthmailHome.toString());
    }

    /**
     * {@code oauthmail accounts add NAME --provider generic --issuer ... --client-id CLIENT}, with the test bed's
     * IMAPS, POP3S and STARTTLS submission ports and its CA; {@code more} adds or overrides options.
     */
    void addAccount(String name, String client, String... more) {
        List<String> args = new ArrayList<>(List.of("accounts", "add", name, "--provider", "generic", "--issuer",
                TestBed.ISSUER, "--client-id", client, "--scopes", TestBed.SCOPES,
                "--imap", TestBed.HOST + ":" + TestBed.IMAPS + ":tls", "--pop", TestBed.HOST + ":" + TestBed.POP3S + ":tls",
                "--smtp", TestBed.HOST + ":" + TestBed.SUBMISSION + ":starttls", "--ca-file", TestBed.CA_CERT.toString()));
        for (int i = 0; i < more.length; i++) { // an option given already takes the new value (picocli takes one)
            int at = args.indexOf(more[i]);
            if (more[i].startsWith("--") && at >= 0 && i + 1 < more.length) {
                args.set(at + 1, more[++i]);
            } else {
                args.add(more[i]);
            }
        }
        Run added = cli(args.toArray(String[]::new));
        assertThat(added.exit()).as(added.err()).isZero();
    }

    /** One command line in this JVM, with this home. */
    Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]), env);
        return new Run(exit, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** {@code oauthmail ARGS} as its own process, the way a mail program's password command runs it. */
    Run process(String... args) {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(120));
    }

    /**
     * {@code oauthmail login ACCOUNT OPTIONS} under {@code browser.py watch-stderr}: it logs in as {@code user}
     * on the URL (mode {@code loopback}) or the user code (mode {@code device}) the command prints.
     */
    Run browserLogin(TestBed.User user, String mode, String account, String... options) {
        List<String> command = new ArrayList<>(List.of("python3", TestBed.BROWSER.toString(), "watch-stderr",
                "--username", user.name(), "--password", user.password(), "--mode", mode, "--timeout", "90",
                "--", launcher.toString(), "login", account));
        command.addAll(List.of(options));
        return run(command, Duration.ofSeconds(120));
    }

    /** The account's tokens as the CLI stored them. */
    Optional<TokenSet> stored(String account) {
        return store().load(account);
    }

    /** Puts tokens into the store as a login would have (for tokens from the test-only password grant). */
    void store(String account, TokenSet tokens) {
        store().save(account, tokens);
    }

    private EncryptedFileStore store() {
        return EncryptedFileStore.openWithKeyFile(oauthmailHome.resolve("tokens"));
    }

    /** Output goes to files, not pipes: a pipe read by a thread can lose the last lines when the process exits. */
    private Run run(List<String> command, Duration timeout) {
        int n = ++processes;
        Path out = dir.resolve("process-" + n + ".out");
        Path err = dir.resolve("process-" + n + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("OAUTHMAIL_"));
        builder.environment().put("HOME", dir.toString());
        long start = System.nanoTime();
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command.get(0) + " still ran after " + timeout + ":\n" + Files.readString(err));
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
