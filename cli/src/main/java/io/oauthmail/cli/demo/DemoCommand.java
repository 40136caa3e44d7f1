package io.oauthmail.cli.demo;

import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code oauthmail demo}: the whole idea, end to end, on the embedded sandbox. The steps and the sandbox are a
 * separate runtime part ({@link DemoPart}), loaded only here, so the rest of the CLI carries none of the sandbox's
 * libraries.
 */
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
    public Integer call() {
        if (spec.root().findOption("--config") != null && spec.root().findOption("--config").getValue() != null) {
            throw new ParameterException(spec.commandLine(), "demo reads no config file (it makes a temporary one of its "
                    + "own, with its own accounts): leave out --config");
        }
        DemoPart.load(System.getProperty(DemoPart.PATH_PROPERTY)).accept(spec.commandLine().getOut(), keepRunning);
        return ExitCodes.OK;
    }
}
