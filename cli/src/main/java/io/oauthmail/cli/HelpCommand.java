package io.oauthmail.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code oauthmail help [COMMAND [SUBCOMMAND]]}. picocli's own help command looks at one name only, so
 * {@code help accounts add} printed the help of {@code accounts}; this one follows every name given.
 */
@Command(name = "help", helpCommand = true,
        description = "Show the help of a command, or of a subcommand: help accounts add.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail help", "  oauthmail help send", "  oauthmail help accounts add"})
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean helpRequested;

    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command, then its subcommand where it has them (accounts add); none: the overview.")
    List<String> names = new ArrayList<>();

    private CommandLine self;
    private ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String name : names) {
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new ParameterException(self, "no command '" + name + "' in " + target.getCommandSpec().qualifiedName()
                        + (target.getSubcommands().isEmpty() ? " (it has no subcommands)"
                                : "; it has: " + String.join(", ", target.getSubcommands().keySet())));
            }
            target = sub;
        }
        target.usage(out, colors);
    }
}
