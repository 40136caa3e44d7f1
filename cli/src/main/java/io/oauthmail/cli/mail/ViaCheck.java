package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.provider.ProviderFamily;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Whether {@code --via} fits the account's provider, checked before any token is asked for: Microsoft Graph takes
 * only Microsoft's tokens and the Gmail API only Google's. Without this, a Keycloak account sent through Graph
 * failed at its own token endpoint with invalid_scope and "run: oauthmail login" (which cannot help), and a
 * Microsoft account sent through the Gmail API went to Google.
 */
final class ViaCheck {

    private ViaCheck() {
    }

    /** Refuses {@code via} for {@code account} as a usage error (exit 2) that says what does work. */
    static void require(Via via, Account account, CommandSpec command) {
        ProviderFamily kind = ProviderFamily.of(account.provider());
        ProviderFamily needed = switch (via) {
            case SMTP -> null;
            case GMAIL_API -> ProviderFamily.GOOGLE;
            case GRAPH -> ProviderFamily.MICROSOFT;
        };
        if (needed == null || needed == kind) {
            return;
        }
        throw new ParameterException(command.commandLine(), "account " + account.name() + " is " + describe(account, kind)
                + "; --via " + via + " needs a " + (needed == ProviderFamily.GOOGLE ? "Google" : "Microsoft") + " account: "
                + alternatives(account, kind));
    }

    private static String describe(Account account, ProviderFamily kind) {
        return switch (kind) {
            case GOOGLE -> "a Google account";
            case MICROSOFT -> "a Microsoft account";
            case OTHER -> "a " + account.provider().name() + " account (tokens from " + ProviderFamily.hostOf(account.provider().endpoints().token())
                    + ")";
        };
    }

    private static String alternatives(Account account, ProviderFamily kind) {
        List<String> ways = new ArrayList<>();
        if (account.provider().smtp() != null) {
            ways.add("--via smtp");
        }
        if (kind == ProviderFamily.GOOGLE) {
            ways.add("--via gmail-api");
        } else if (kind == ProviderFamily.MICROSOFT) {
            ways.add("--via graph");
        }
        return ways.isEmpty() ? "it has no SMTP server either: add one with oauthmail accounts add " + account.name()
                + " ... --smtp HOST:PORT" : "use " + String.join(" or ", ways);
    }

}
