package io.oauthmail.cli.accounts;

import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.config.AccountAdd;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.OAuthEndpoints;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail accounts add NAME --provider ...}: writes the account into the config file. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Add an account (or replace it) in the config file.",
            "generic discovers the endpoints from --issuer; mail servers default from the google/microsoft presets."},
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail accounts add me@gmail.com --provider google \\",
            "      --client-id 1234.apps.googleusercontent.com \\",
            "      --client-secret-cmd \"pass show oauthmail/google\"",
            "  oauthmail accounts add work --provider microsoft --tenant organizations \\",
            "      --client-id 00000000-0000-0000-0000-000000000000 --email me@corp.example",
            "  oauthmail accounts add carol --provider generic \\",
            "      --issuer https://idp.example.com/realms/mail \\",
            "      --client-id oauthmail --scopes \"openid email offline_access mail\" \\",
            "      --imap mail.example.com:993:tls --smtp mail.example.com:587:starttls"})
final class AccountsAddCommand implements Callable<Integer> {

    @ParentCommand
    AccountsCommand parent;

    @Parameters(paramLabel = "ACCOUNT", description = "The account's name, usually its e-mail address.")
    String name;

    @Option(names = "--provider", required = true, paramLabel = "google|microsoft|generic|custom",
            converter = ProviderChoice.Converter.class,
            description = "google and microsoft know their endpoints and servers; generic discovers them from --issuer; "
                    + "custom takes --authorization-endpoint and --token-endpoint.")
    ProviderChoice providerChoice;

    /** The provider as the config writes it. */
    private String provider;

    @Option(names = "--issuer", paramLabel = "URL", description = "OpenID issuer to discover endpoints from (generic).")
    URI issuer;

    @Option(names = "--client-id", required = true, paramLabel = "ID",
            description = "The OAuth client ID of your app registration (Google Cloud console, Microsoft Entra ID, your IdP).")
    String clientId;

    @Option(names = "--client-secret", paramLabel = "SECRET",
            description = "The client secret (prefer --client-secret-cmd: a secret on the command line stays in your shell history).")
    String clientSecret;

    @Option(names = "--client-secret-cmd", paramLabel = "CMD", description = "A command that prints the client secret, e.g. \"pass show oauthmail/google\".")
    String clientSecretCmd;

    @Option(names = "--email", paramLabel = "ADDR", description = "The address (learned at login from the ID token if not given).")
    String email;

    @Option(names = "--scopes", paramLabel = "\"A B\"", description = "Scopes to request instead of the provider's.")
    String scopes;

    @Option(names = "--tenant", paramLabel = "T", description = "Microsoft tenant: common, organizations, consumers or an ID.")
    String tenant;

    @Option(names = "--imap", paramLabel = "HOST:PORT[:tls|starttls|plain]", converter = MailServerSpec.class,
            description = "The IMAP server (default: the google/microsoft preset's). Without a mode, ports 465, 993 and 995 "
                    + "are tls and others starttls; plain must be asked for.")
    String imap;

    @Option(names = "--pop", paramLabel = "HOST:PORT[:tls|starttls|plain]", converter = MailServerSpec.class,
            description = "The POP3 server (default: the google/microsoft preset's).")
    String pop;

    @Option(names = "--smtp", paramLabel = "HOST:PORT[:tls|starttls|plain]", converter = MailServerSpec.class,
            description = "The SMTP submission server, e.g. smtp.example.com:587:starttls (default: the preset's).")
    String smtp;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "An extra CA certificate to trust for this account's mail servers.")
    Path caFile;

    @Option(names = "--flow", paramLabel = "browser|paste|device|client-credentials|service-account",
            converter = AccountFlowChoice.Converter.class,
            description = "The login flow to use by default; the last two make an app-only account (no person logs in).")
    AccountFlowChoice flowChoice;

    /** The flow as the config writes it, or null for the provider's default. */
    private String flow;

    @Option(names = "--sasl", paramLabel = "xoauth2|oauthbearer", converter = SaslChoice.Converter.class,
            description = "Force a SASL mechanism: used, or the login fails if the server does not offer it (default: what the server offers, XOAUTH2 first).")
    SaslChoice sasl;

    @Option(names = "--service-account-key", paramLabel = "JSON", description = "Google service account key (with --flow service-account).")
    Path serviceAccountKey;

    @Option(names = "--port", paramLabel = "N", description = "A fixed port for the loopback redirect (default: any free port).")
    Integer port;

    @Option(names = "--authorization-endpoint", paramLabel = "URL",
            description = "The authorization endpoint (custom, or generic without discovery; with --token-endpoint).")
    URI authorizationEndpoint;

    @Option(names = "--token-endpoint", paramLabel = "URL",
            description = "The token endpoint (custom, or generic without discovery).")
    URI tokenEndpoint;

    @Option(names = "--device-endpoint", paramLabel = "URL",
            description = "The device authorization endpoint, for --flow device (default: discovered from --issuer).")
    URI deviceEndpoint;

    @Option(names = "--revocation-endpoint", paramLabel = "URL",
            description = "The revocation endpoint logout uses (default: discovered from --issuer; none: tokens are only deleted).")
    URI revocationEndpoint;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        provider = providerChoice.toString();
        flow = flowChoice == null ? null : flowChoice.toString();
        if (clientSecret != null && clientSecretCmd != null) {
            throw new OAuthMailException("give either --client-secret or --client-secret-cmd, not both", null);
        }
        if ("service-account".equals(flow) && (serviceAccountKey == null || !Files.isReadable(serviceAccountKey))) {
            throw new OAuthMailException("--flow service-account needs --service-account-key with a readable JSON key file", null);
        }
        if ("client-credentials".equals(flow) && clientSecret == null && clientSecretCmd == null) {
            throw new OAuthMailException("--flow client-credentials needs --client-secret or --client-secret-cmd", null);
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new OAuthMailException("cannot read the CA file " + caFile, "give the path of a PEM certificate");
        }
        List<String> scopeList = scopes == null || scopes.isBlank() ? List.of() : List.of(scopes.trim().split("\\s+"));
        AccountAdd.check(provider, tenant, scopeList);
        OAuthEndpoints endpoints = AccountAdd.endpoints(provider, issuer, authorizationEndpoint, tokenEndpoint,
                deviceEndpoint, revocationEndpoint);
        if ((provider.equals("generic") || provider.equals("custom")) && (imap == null && smtp == null && pop == null)) {
            context.err().println("note: no --imap, --pop or --smtp given; a " + provider + " provider has no default mail servers");
        }
        AccountSettings settings = new AccountSettings(name, provider, tenant, issuer == null ? null : issuer.toString(),
                clientId, clientSecret, clientSecretCmd, email, scopeList,
                imap, pop, smtp, caFile == null ? null : caFile.toAbsolutePath().toString(), flow, port,
                string(endpoints == null ? null : endpoints.authorization()), string(endpoints == null ? null : endpoints.token()),
                string(endpoints == null ? null : endpoints.deviceAuthorization()),
                string(endpoints == null ? null : endpoints.revocation()), string(endpoints == null ? null : endpoints.userInfo()),
                serviceAccountKey == null ? null : serviceAccountKey.toAbsolutePath().toString(),
                sasl == null ? null : sasl.toString());
        Optional<AccountSettings> previous = context.config().account(name);
        boolean loggedIn = previous.isPresent() && AccountAdd.storedTokens(context.store(), name);
        AccountAdd.Outcome outcome = AccountAdd.write(context.config().file(), previous, settings, context.store());
        context.configChanged();
        context.err().println((outcome.replaced() ? "updated" : "added") + " account " + name + " (" + provider + ") in "
                + context.config().file());
        if (!loggedIn) {
            context.err().println("next: oauthmail login " + name);
        } else if (outcome.grantKept()) {
            context.err().println("kept its login" + (outcome.written().email() != null
                    ? " and its address " + outcome.written().email() : "") + ": the provider, client and scopes are unchanged");
        } else {
            context.err().println("its " + String.join(", ", outcome.changed()) + " changed, so the stored tokens no"
                    + " longer apply and were deleted; the account must log in again: oauthmail login " + name);
        }
        return ExitCodes.OK;
    }

    private static String string(URI uri) {
        return uri == null ? null : uri.toString();
    }
}
