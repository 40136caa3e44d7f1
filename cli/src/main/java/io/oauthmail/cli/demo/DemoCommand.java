package io.oauthmail.cli.demo;

import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.sandbox.Sandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code oauthmail demo}: the whole idea, end to end, on the embedded sandbox. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run oauthmail end to end on an embedded OAuth 2.0 server and mail server.",
            "Authorizes, stores tokens, sends HTML mail over STARTTLS and SMTPS, reads it over IMAPS,",
            "refreshes an expired token and shows a wrong token refused. Needs no account and no network."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail demo",
            "  oauthmail demo --keep-running      # then point your own mail client at it"})
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--keep-running",
            description = "Leave the sandbox running afterwards and print its endpoints, users and tokens, "
                    + "so you can point your own mail client at it. Stop with Ctrl-C.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        if (spec.root().findOption("--config") != null && spec.root().findOption("--config").getValue() != null) {
            throw new ParameterException(spec.commandLine(), "demo reads no config file (it makes a temporary one of its "
                    + "own, with its own accounts): leave out --config");
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        out.println("oauthmail demo: a real OAuth 2.0 server and mail server in this process; no account, no network.");
        Path home = Files.createTempDirectory("oauthmail-demo-");
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
            return ExitCodes.OK;
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

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
