package io.oauthmail.cli;

import io.oauthmail.cli.accounts.AccountsCommand;
import io.oauthmail.cli.demo.DemoCommand;
import io.oauthmail.cli.login.LoginCommand;
import io.oauthmail.cli.login.LogoutCommand;
import io.oauthmail.cli.mail.FetchCommand;
import io.oauthmail.cli.mail.SendCommand;
import io.oauthmail.cli.mail.TestCommand;
import io.oauthmail.cli.serve.ReloadCommand;
import io.oauthmail.cli.serve.ServeCommand;
import io.oauthmail.cli.serve.StatusCommand;
import io.oauthmail.cli.token.RefreshCommand;
import io.oauthmail.cli.token.TokenCommand;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.token.LostGrants;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code oauthmail} command. */
@Command(name = "oauthmail", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Send and read mail through Gmail, Microsoft 365 and any OAuth 2.0 provider, without passwords.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:it worked",
            "1:it failed (the message says why)",
            "2:wrong usage (unknown option, a value not accepted, a missing option)",
            "3:the account must be authorized again (run: oauthmail login ACCOUNT)",
            "4:temporary failure (network, a mail server not reachable, provider busy): try again later",
            "5:a login did not complete (declined, timed out, state mismatch, another person, refused by the provider)"},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail demo                    # see it work, no account needed",
            "  oauthmail accounts add me@gmail.com --provider google \\",
            "      --client-id 1234.apps.googleusercontent.com",
            "  oauthmail login me@gmail.com",
            "  oauthmail send me@gmail.com --to you@example.com --subject Hi --text note.txt",
            "  oauthmail help accounts add"})
public final class OAuthMailCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The config file (default: $OAUTHMAIL_HOME/config.toml or $XDG_CONFIG_HOME/oauthmail/config.toml).")
    Path configFile;

    private final Map<String, String> env;
    private final InputStream in;
    /** Stdout as bytes (under the PrintWriter picocli gets), or null when the caller gave only a Writer. */
    private final OutputStream stdout;
    private final boolean ownsProcess;
    private CliContext context;

    private OAuthMailCli(Map<String, String> env, InputStream in, OutputStream stdout, boolean ownsProcess) {
        this.env = env;
        this.in = in;
        this.stdout = stdout;
        this.ownsProcess = ownsProcess;
    }

    public static void main(String[] args) {
        OAuthMailCli root = new OAuthMailCli(System.getenv(), System.in, System.out, true);
        int code = run(root, args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        // A refresh whose request is out may outlive the answer to the caller: see ProcessExit.
        ProcessExit.exit(code, System.getenv(), root.context == null ? null : root.context::awaitRefreshesInFlight);
    }

    /** Runs one command line with this process's stdin and environment; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.in, System.getenv());
    }

    /**
     * The subcommands, by name. Only the one being run is given to picocli: building the whole tree costs
     * start-up time (picocli reads every command's annotations), and {@code oauthmail token} runs on every
     * mail client login. Help, errors and unknown names get the whole tree.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("login", LoginCommand::new);
        commands.put("accounts", AccountsCommand::new);
        commands.put("token", TokenCommand::new);
        commands.put("refresh", RefreshCommand::new);
        commands.put("logout", LogoutCommand::new);
        commands.put("test", TestCommand::new);
        commands.put("fetch", FetchCommand::new);
        commands.put("send", SendCommand::new);
        commands.put("serve", ServeCommand::new);
        commands.put("status", StatusCommand::new);
        commands.put("reload", ReloadCommand::new);
        commands.put("queue", io.oauthmail.cli.queue.QueueCommand::new);
        commands.put("web", io.oauthmail.cli.web.WebCommand::new);
        commands.put("demo", DemoCommand::new);
        commands.put("help", HelpCommand::new);
        return Collections.unmodifiableMap(commands);
    }

    /** Runs one command line; returns the exit code. Used by {@link #main} and by tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env) {
        return run(args, out, err, in, env, false);
    }

    private static int run(String[] args, PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env,
            boolean ownsProcess) {
        return run(new OAuthMailCli(env, in, null, ownsProcess), args, out, err);
    }

    /**
     * Runs one command line whose stdout is {@code out} as bytes (text on it is UTF-8): what a command writes
     * byte for byte, such as {@code fetch --format eml}, arrives unchanged. Returns the exit code.
     */
    public static int run(String[] args, OutputStream out, PrintWriter err, InputStream in, Map<String, String> env) {
        return run(new OAuthMailCli(env, in, out, false), args,
                new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true), err);
    }

    private static int run(OAuthMailCli root, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = tree(root, firstCommandName(args));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(OAuthMailCli::report);
        cli.setExitCodeExceptionMapper(ExitCodes::of); // usage errors: picocli prints them, ExitCodes decides the code
        return cli.execute(args);
    }

    /** The command tree: with only {@code first} when it names a command other than help, else whole. */
    private static CommandLine tree(OAuthMailCli root, String first) {
        CommandLine cli = new CommandLine(root);
        if (first != null && COMMANDS.containsKey(first) && !first.equals("help")) {
            cli.addSubcommand(first, COMMANDS.get(first).get());
        } else {
            COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        CommandLine demo = cli.getSubcommands().get("demo");
        if (demo != null) { // the demo runs on a temporary home of its own: --config would be ignored, so it is not offered
            demo.getCommandSpec().remove(demo.getCommandSpec().findOption("--config"));
        }
        return cli;
    }

    /** The whole command tree, as help shows it: for tests of the help texts. */
    static CommandLine wholeTree() {
        return tree(new OAuthMailCli(Map.of(), InputStream.nullInputStream(), null, false), null);
    }

    public CommandLine.Model.CommandSpec spec() {
        return spec;
    }

    /**
     * True when this command line is the process ({@link #main}), not a call from a test or a program: only then
     * may a command take over process-wide things such as signal handlers.
     */
    public boolean ownsProcess() {
        return ownsProcess;
    }

    /** The context of this command line, for the subcommands. */
    public CliContext context() {
        if (context == null) {
            PrintWriter out = spec.commandLine().getOut();
            context = new CliContext(env, in, out, stdout != null ? stdout : new TextOnlyStdout(out),
                    spec.commandLine().getErr(), configFile);
        }
        return context;
    }

    /** The first argument that is not an option of the root command (skipping --config FILE). */
    private static String firstCommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            }
        }
        return null;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** User errors become one message and a hint on stderr, never a stack trace. */
    private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof OAuthMailException failure) {
            if (failure instanceof ReauthorizationRequired lost) {
                noteLostGrant(cli, lost);
            }
            err.println("oauthmail: " + failure.getMessage());
            failure.hint().ifPresent(hint -> err.println("  " + hint));
            return ExitCodes.of(failure);
        }
        err.println("oauthmail: unexpected error: " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        if (System.getenv("OAUTHMAIL_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("  this is a bug: please report it with the command you ran (OAUTHMAIL_DEBUG=1 shows the stack trace)");
        }
        return ExitCodes.of(e);
    }

    /**
     * A command learned that the provider refused the stored refresh token: noted for {@code oauthmail accounts},
     * which otherwise shows what the store shows (a refresh token, so "ok" or "expired") until a new login.
     */
    private static void noteLostGrant(CommandLine cli, ReauthorizationRequired lost) {
        CommandLine top = cli;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        try {
            CliContext context = ((OAuthMailCli) top.getCommand()).context();
            LostGrants.in(context.paths().stateDir()).record(lost.account(), context.store().load(lost.account()).orElse(null),
                    lost.reason(), context.clock().instant());
        } catch (java.io.IOException | RuntimeException e) {
            // best effort: the message below is what matters now; accounts then shows the store's view
        }
    }
}
