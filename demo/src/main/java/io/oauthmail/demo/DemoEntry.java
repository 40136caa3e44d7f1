package io.oauthmail.demo;

import io.oauthmail.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * What {@code oauthmail demo} runs: starts the sandbox, runs the demo's steps on it, prints each, and with
 * {@code keepRunning} leaves the sandbox serving until the process is stopped.
 *
 * <p>The CLI loads this class by its name ({@value #CLASS_NAME}) in a class loader of its own, over the demo part's
 * folder, and calls {@link #accept} through {@link BiConsumer}: a JDK type, so that neither side compiles against the
 * other (the CLI does not depend on this module, and this module does not depend on the CLI). Everything else that
 * crosses is core's or the JDK's: core's classes come from the CLI's own class path, so a failed step arrives as an
 * {@link io.oauthmail.error.OAuthMailException} the CLI maps to its exit code.
 */
public final class DemoEntry implements BiConsumer<PrintWriter, Boolean> {

    /** This class's name, which the CLI loads. */
    public static final String CLASS_NAME = "io.oauthmail.demo.DemoEntry";

    /** For the CLI's reflective load. */
    public DemoEntry() {
    }

    /**
     * Runs the demo, printing to {@code out}.
     *
     * @param out where each step's line goes
     * @param keepRunning after the steps, keep the sandbox serving (and print its endpoints, users and their tokens)
     *        until the process is stopped
     * @throws io.oauthmail.error.OAuthMailException when a step does not verify what it claims
     */
    @Override
    public void accept(PrintWriter out, Boolean keepRunning) {
        long start = System.nanoTime();
        out.println("oauthmail demo: a real OAuth 2.0 server and mail server in this process; no account, no network.");
        Path home = createTempHome();
        Sandbox sandbox = null;
        try {
            long sandboxStart = System.nanoTime();
            sandbox = Sandbox.start();
            out.printf(Locale.ROOT, "  %-11s %5.2f s  OAuth server %s, SMTP %s (STARTTLS), SMTPS %s, IMAPS %s, POP3S %s%n",
                    "sandbox", (System.nanoTime() - sandboxStart) / 1e9, sandbox.issuer(), sandbox.submission(),
                    sandbox.smtps(), sandbox.imaps(), sandbox.pop3s());
            new Demo(out).run(sandbox, home);
            out.printf(Locale.ROOT, "demo passed: every step verified, %.1f s in all.%n", (System.nanoTime() - start) / 1e9);
            out.flush();
            if (keepRunning) {
                keepServing(sandbox, out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (sandbox != null) {
                sandbox.close();
            }
            deleteRecursively(home);
        }
    }

    private static void keepServing(Sandbox sandbox, PrintWriter out) throws InterruptedException {
        out.println();
        out.println("The sandbox keeps running (Ctrl-C stops it). Point a client at it:");
        out.println("  OAuth issuer         " + sandbox.issuer() + "  (discovery: " + sandbox.discoveryUri() + ")");
        out.println("  client ID            " + Sandbox.CLIENT_ID + "  (public client, PKCE; the login page takes any user's address)");
        out.println("  scope                openid email " + Sandbox.MAIL_SCOPE);
        out.println("  SMTP submission      " + sandbox.submission() + "  STARTTLS required, AUTH XOAUTH2 or OAUTHBEARER");
        out.println("  SMTPS                " + sandbox.smtps() + "  implicit TLS, AUTH XOAUTH2");
        out.println("  IMAPS                " + sandbox.imaps() + "  implicit TLS, AUTHENTICATE XOAUTH2");
        out.println("  POP3S                " + sandbox.pop3s() + "  implicit TLS, AUTH XOAUTH2");
        out.println("  CA certificate       " + sandbox.caFile() + "  (trust it, e.g. --ca-file)");
        out.println("  Users, each with an access token valid 1 h (shown because you asked with --keep-running;");
        out.println("  use it as the password with XOAUTH2):");
        for (String user : sandbox.users()) {
            out.println("    " + user);
            out.println("      " + sandbox.issueAccessToken(user, "openid email " + Sandbox.MAIL_SCOPE, Duration.ofHours(1)));
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    private static Path createTempHome() {
        try {
            return Files.createTempDirectory("oauthmail-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
