package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.mail.MailProtocol;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.mail.TraceRedactor;
import io.oauthmail.provider.MailServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code oauthmail test ACCOUNT [smtp|imap|pop|all]}: what {@code oauth2.py --test_imap_authentication} and
 * {@code --test_smtp_authentication} did, for today's providers: connects, authenticates with a fresh token,
 * and prints the server's capabilities and one verdict per protocol; {@code --trace} shows the dialogue with
 * every token masked ({@code --show-secrets} shows them).
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Connect and authenticate to the account's mail servers; one verdict per protocol.",
            "Exits 1 when any protocol failed."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail test me@gmail.com",
            "  oauthmail test me@gmail.com smtp --trace   # the dialogue, tokens masked"})
public final class TestCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "smtp|imap|pop|all", defaultValue = "all",
            description = "The protocol to test (default: all those the account has a server for).")
    String which;

    @Option(names = "--trace", description = "Print the protocol dialogue on stderr, tokens masked.")
    boolean trace;

    @Option(names = "--show-secrets", description = "With --trace: do not mask tokens (they will be on your screen).")
    boolean showSecrets;

    @Override
    public Integer call() {
        // a value not accepted is a usage error (exit 2, as the README's table says), found before the config is read
        List<MailProtocol> protocols = switch (which.toLowerCase(Locale.ROOT)) {
            case "all" -> List.of(MailProtocol.SMTP, MailProtocol.IMAP, MailProtocol.POP3);
            case "smtp" -> List.of(MailProtocol.SMTP);
            case "imap" -> List.of(MailProtocol.IMAP);
            case "pop", "pop3" -> List.of(MailProtocol.POP3);
            default -> throw new ParameterException(spec.commandLine(), "unknown protocol '" + which
                    + "': use smtp, imap, pop or all");
        };
        CliContext context = root.context();
        Account account = AccountResolver.withSecret(context.account(name));
        String token = context.tokens().accessToken(account); // refreshes first if needed, before any server sees it
        // The exit code says what failed, as for any command (4: not reachable, 3: log in again); when the
        // protocols failed in different ways, the general failure code.
        java.util.Set<Integer> codes = new java.util.TreeSet<>();
        for (MailProtocol protocol : protocols) {
            codes.add(test(context, account, protocol, token));
        }
        codes.remove(ExitCodes.OK);
        return codes.isEmpty() ? ExitCodes.OK : codes.size() == 1 ? codes.iterator().next() : ExitCodes.FAILED;
    }

    private int test(CliContext context, Account account, MailProtocol protocol, String token) {
        PrintWriter out = context.out();
        String label = String.format("%-5s", protocol.name().toLowerCase(Locale.ROOT));
        MailServer server = protocol.serverOf(account).orElse(null);
        if (server == null) {
            out.println(label + " skipped: no " + protocol + " server configured for " + account.name());
            out.flush();
            boolean asked = which.equalsIgnoreCase(protocol.name()) || which.equalsIgnoreCase("pop") && protocol == MailProtocol.POP3;
            return asked ? ExitCodes.FAILED : ExitCodes.OK;
        }
        ByteArrayOutputStream dialogue = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(dialogue, true, StandardCharsets.UTF_8);
        PrintStream sink = (showSecrets ? TraceRedactor.showingSecrets()
                : new TraceRedactor().sasl(account.mailUser(), token, server.host(), server.port())).stream(capture);
        MailSessions sessions = new MailSessions(context.tokens(), Duration.ofSeconds(20), sink);
        long start = System.nanoTime();
        int passed;
        String verdict;
        try {
            String mechanism = sessions.checkLogin(account, protocol);
            passed = ExitCodes.OK;
            verdict = "OK: authenticated as " + account.mailUser() + " with " + mechanism + " in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms";
        } catch (OAuthMailException e) {
            passed = ExitCodes.of(e);
            verdict = "FAILED: " + e.messageWithHint();
        }
        sink.flush();
        String transcript = dialogue.toString(StandardCharsets.UTF_8);
        if (trace) {
            context.err().println("--- " + protocol + " " + server + (showSecrets ? " (secrets shown)" : " (tokens masked)"));
            context.err().print(transcript);
            context.err().flush();
        }
        out.println(label + " " + server + "  " + verdict);
        String capabilities = Capabilities.from(protocol, transcript);
        if (!capabilities.isEmpty()) {
            out.println("      capabilities: " + capabilities);
        }
        out.flush();
        return passed;
    }
}
