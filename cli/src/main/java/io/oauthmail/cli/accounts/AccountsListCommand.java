package io.oauthmail.cli.accounts;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.Json;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.token.LostGrants;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code oauthmail accounts list}: one line per account with its token state. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts: provider, e-mail, token expiry, refresh token age, status.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail accounts list",
            "  oauthmail accounts list --json"})
final class AccountsListCommand implements Callable<Integer> {

    @ParentCommand
    AccountsCommand parent;

    @Option(names = "--json", description = "One JSON object per account and line instead of a table (no tokens).")
    boolean json;

    @Override
    public Integer call() {
        return list(parent.context(), json);
    }

    int list(CliContext context, boolean asJson) {
        PrintWriter out = context.out();
        Instant now = context.clock().instant();
        if (context.config().accounts().isEmpty()) {
            context.err().println("no accounts in " + context.config().file()
                    + "; add one with: oauthmail accounts add NAME --provider google|microsoft|generic --client-id ID");
            return ExitCodes.OK;
        }
        LostGrants lostGrants = LostGrants.in(context.paths().stateDir());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ACCOUNT", "PROVIDER", "E-MAIL", "TOKEN EXPIRES", "REFRESH AGE", "STATUS"});
        List<String> notes = new ArrayList<>();
        for (AccountSettings settings : context.config().accounts().values()) {
            Account account = AccountResolver.withoutSecret(settings);
            AccountStatus status = AccountStatus.of(account, context.store(), lostGrants, now);
            if (asJson) {
                // JSON lines, like `oauthmail status --json`; the word, never a token
                out.println(Json.object("account", account.name(), "provider", account.provider().name(),
                        "email", account.email(), "expires_at", status.expiresAt() == null ? null : status.expiresAt().toString(),
                        "refresh_token_age_seconds", status.refreshAge() == null ? null : status.refreshAge().toSeconds(),
                        "status", status.state().word(), "detail", status.detail(), "warning", status.warning()));
                continue;
            }
            rows.add(new String[] {account.name(), account.provider().name(), account.email() == null ? "-" : account.email(),
                status.expiry(now), AccountStatus.describe(status.refreshAge()),
                status.state().word() + (status.warning() != null ? " (!)" : "")});
            if (status.detail() != null) {
                notes.add(settings.name() + ": " + status.state().word() + ": " + status.detail());
            }
            if (status.warning() != null) {
                notes.add("warning: " + settings.name() + ": " + status.warning());
            }
        }
        if (!asJson) {
            printTable(out, rows);
            notes.forEach(context.err()::println); // for the person: stdout keeps the table alone
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
