package io.oauthmail.cli.login;

import io.oauthmail.account.Account;
import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.oauth.Authorization;
import io.oauthmail.oauth.DeviceFlow;
import io.oauthmail.oauth.LoopbackFlow;
import io.oauthmail.oauth.PasteFlow;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.provider.Quirk;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code oauthmail login ACCOUNT}: authorizes the account and stores its tokens. Everything meant for the
 * person (the URL, prompts, the result) goes to stderr; the URL stands alone on its line so scripts can take it.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Authorize an account and store its tokens.",
            "browser: opens the system browser (or prints the URL) and waits on a 127.0.0.1 listener.",
            "paste:   for hosts without a browser: open the URL anywhere, then paste the address you were sent to.",
            "device:  for hosts without a browser where the provider allows it (Microsoft; not Gmail's mail scopes).",
            "App-only accounts (client-credentials, service-account) obtain their token without a person."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail login me@gmail.com                 # opens the browser",
            "  oauthmail login me@gmail.com --flow paste  # over SSH: paste the address back",
            "  oauthmail login work --flow device           # a code to enter on any device"})
public final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Option(names = "--flow", paramLabel = "browser|paste|device", converter = LoginFlowChoice.Converter.class,
            description = "One of ${COMPLETION-CANDIDATES}. Default: the account's flow, else browser.")
    LoginFlowChoice flow;

    @Option(names = "--no-browser", description = "Do not open a browser: print the URL and wait.")
    boolean noBrowser;

    @Option(names = "--port", paramLabel = "N", description = "Fixed port for the loopback redirect (default: the account's, else any free one).")
    Integer port;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "How long to wait for the person (default: 300 for browser and paste, 900 for device).")
    Integer timeout;

    private int timeoutSeconds(int defaultSeconds) {
        return timeout != null ? timeout : defaultSeconds;
    }

    @Override
    public Integer call() {
        CliContext context = root.context();
        AccountSettings settings = context.account(name);
        Account account = AccountResolver.withSecret(settings);
        String chosen = flow != null ? flow.toString() : settings.flow() != null ? settings.flow() : "browser";
        int redirectPort = port != null ? port : settings.redirectPort() != null ? settings.redirectPort() : 0;
        PrintWriter err = context.err();
        if (account.app().isPresent()) {
            // App-only: no person, no refresh token; the token manager runs the grant and stores the token.
            TokenSet tokens = context.tokens().refresh(account);
            err.println("authorized app-only account " + account.name() + " (" + chosen + "); access token valid until "
                    + tokens.expiresAt() + "; a new one is obtained the same way when it expires");
            return ExitCodes.OK;
        }
        Authorization result = switch (chosen) {
            case "browser" -> browser(context, account, redirectPort);
            case "paste" -> paste(context, account, redirectPort);
            case "device" -> device(context, account);
            default -> throw new OAuthMailException("unknown login flow '" + chosen + "'",
                    "use --flow browser, paste or device");
        };
        context.store().save(account.name(), result.tokens());
        if (settings.email() == null && result.email() != null) {
            ConfigWriter.putAccount(context.config().file(), settings.withEmail(result.email()));
            context.configChanged();
        }
        TokenSet tokens = result.tokens();
        err.println("logged in: " + account.name() + (result.email() != null ? " as " + result.email() : "")
                + "; access token valid until " + tokens.expiresAt().truncatedTo(ChronoUnit.SECONDS)
                + (tokens.refreshToken() != null ? ", refresh token stored" : ", no refresh token (log in again when it expires)"));
        if (account.provider().has(Quirk.TESTING_APPS_EXPIRE_AFTER_7_DAYS)) {
            err.println("note: if your Google app's publishing status is \"Testing\", this refresh token dies on "
                    + tokens.refreshTokenIssuedAt().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.MINUTES)
                    + "; publish the app (OAuth consent screen -> Publish app) to keep it.");
        }
        return ExitCodes.OK;
    }

    private Authorization browser(CliContext context, Account account, int redirectPort) {
        int timeoutSeconds = timeoutSeconds(300);
        try (LoopbackFlow.Pending login = new LoopbackFlow(account, context.clock(), Duration.ofSeconds(timeoutSeconds))
                .begin(redirectPort)) {
            PrintWriter err = context.err();
            boolean opened = !noBrowser && SystemBrowser.open(login.authorizationUrl(), context.env());
            err.println(opened ? "Your browser should open; if it does not, open this URL:" : "Open this URL in a browser on this machine:");
            err.println(login.authorizationUrl());
            err.println("Waiting for the login (up to " + timeoutSeconds + " s; on a machine without a browser use --flow paste)...");
            err.flush();
            return login.await();
        }
    }

    private Authorization device(CliContext context, Account account) {
        PrintWriter err = context.err();
        return new DeviceFlow(account, context.clock(), Sleeper.SYSTEM, Duration.ofSeconds(timeoutSeconds(900)))
                .authorize(prompt -> {
                    err.println("To log in, open this address on any device and enter the code:");
                    err.println(prompt.verificationUri());
                    err.println(prompt.userCode());
                    err.println("Waiting for you (the code expires in " + prompt.expiresIn().toMinutes() + " min)...");
                    err.flush();
                });
    }

    private Authorization paste(CliContext context, Account account, int redirectPort) {
        PasteFlow login = new PasteFlow(account, context.clock(), redirectPort);
        PrintWriter err = context.err();
        err.println("1. Open this URL in any browser and log in:");
        err.println(login.authorizationUrl());
        err.println("2. The browser is then sent to http://127.0.0.1/... and shows an error: that is expected.");
        err.println("3. Copy the whole address from the address bar and paste it here, then press Enter:");
        err.flush();
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the pasted address: " + e.getMessage(), null, e);
        }
        if (line == null) {
            throw new OAuthMailException("no address was pasted (end of input)",
                    "run it again and paste the address: " + account.loginCommand() + " --flow paste");
        }
        return login.complete(line);
    }

}
