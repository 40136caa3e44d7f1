package io.oauthmail.cli.accounts;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.LostGrants;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail accounts show NAME}: everything about one account, secrets redacted. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one account: provider, endpoints, servers, token state.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail accounts show me@gmail.com"})
final class AccountsShowCommand implements Callable<Integer> {

    @ParentCommand
    AccountsCommand parent;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Override
    public Integer call() {
        CliContext context = parent.context();
        AccountSettings settings = context.account(name);
        Account account = AccountResolver.withoutSecret(settings);
        Instant now = context.clock().instant();
        AccountStatus status = AccountStatus.of(account, context.store(), LostGrants.in(context.paths().stateDir()), now);
        PrintWriter out = context.out();
        row(out, "account", account.name());
        row(out, "provider", account.provider().name() + (settings.tenant() != null ? " (tenant " + settings.tenant() + ")" : ""));
        row(out, "e-mail", account.email() == null ? "- (learned at login)" : account.email());
        row(out, "client id", account.clientId());
        row(out, "client secret", settings.clientSecret() != null ? "<redacted, in the config file>"
                : settings.clientSecretCmd() != null ? "from command: " + settings.clientSecretCmd() : "none (public client)");
        row(out, "scopes", String.join(" ", account.scopes()));
        row(out, "authorize", account.provider().endpoints().authorization().toString());
        row(out, "token", account.provider().endpoints().token().toString());
        account.provider().endpoints().device().ifPresent(uri -> row(out, "device", uri.toString()));
        account.provider().endpoints().revocationEndpoint().ifPresent(uri -> row(out, "revoke", uri.toString()));
        server(out, "imap", account.provider().imap());
        server(out, "pop", account.provider().pop3());
        server(out, "smtp", account.provider().smtp());
        account.ca().ifPresent(ca -> row(out, "extra CA", ca.toString()));
        row(out, "status", status.state().word() + " (" + status.state().meaning() + ")");
        if (status.detail() != null) {
            row(out, "why", status.detail());
        }
        if (status.expiresAt() != null) {
            row(out, "access token", "expires " + status.expiresAt() + " (" + status.expiry(now) + ")");
        }
        if (status.refreshAge() != null) {
            row(out, "refresh token", "issued " + AccountStatus.describe(status.refreshAge()) + " ago");
        }
        if (status.warning() != null) {
            row(out, "warning", status.warning());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void server(PrintWriter out, String label, MailServer server) {
        if (server != null) {
            row(out, label, server.toString());
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf("%-14s %s%n", label + ":", value);
    }
}
