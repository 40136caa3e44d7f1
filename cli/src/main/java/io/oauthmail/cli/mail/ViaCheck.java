package io.oauthmail.cli.mail;

import io.oauthmail.account.Account;
import io.oauthmail.provider.Provider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Whether {@code --via} fits the account's provider, checked before any token is asked for: Microsoft Graph takes
 * only Microsoft's tokens and the Gmail API only Google's. Without this, a Keycloak account sent through Graph
 * failed at its own token endpoint with invalid_scope and "run: oauthmail login" (which cannot help), and a
 * Microsoft account sent through the Gmail API went to Google.
 */
final class ViaCheck {

    enum Kind { GOOGLE, MICROSOFT, OTHER }

    private ViaCheck() {
    }

    /** Refuses {@code via} for {@code account} as a usage error (exit 2) that says what does work. */
    static void require(Via via, Account account, CommandSpec command) {
        Kind kind = kindOf(account.provider());
        Kind needed = switch (via) {
            case SMTP -> null;
            case GMAIL_API -> Kind.GOOGLE;
            case GRAPH -> Kind.MICROSOFT;
        };
        if (needed == null || needed == kind) {
            return;
        }
        throw new ParameterException(command.commandLine(), "account " + account.name() + " is " + describe(account, kind)
                + "; --via " + via + " needs a " + (needed == Kind.GOOGLE ? "Google" : "Microsoft") + " account: "
                + alternatives(account, kind));
    }

    /** Google or Microsoft by preset, or by the token endpoint of a custom or generic provider set up by hand. */
    static Kind kindOf(Provider provider) {
        String name = provider.name().toLowerCase(Locale.ROOT);
        String host = hostOf(provider.endpoints().token());
        if (name.equals("google") || host.equals("oauth2.googleapis.com") || host.equals("accounts.google.com")) {
            return Kind.GOOGLE;
        }
        if (name.equals("microsoft") || host.equals("login.microsoftonline.com") || host.equals("login.microsoft.com")
                || host.equals("login.live.com")) {
            return Kind.MICROSOFT;
        }
        return Kind.OTHER;
    }

    private static String describe(Account account, Kind kind) {
        return switch (kind) {
            case GOOGLE -> "a Google account";
            case MICROSOFT -> "a Microsoft account";
            case OTHER -> "a " + account.provider().name() + " account (tokens from " + hostOf(account.provider().endpoints().token())
                    + ")";
        };
    }

    private static String alternatives(Account account, Kind kind) {
        List<String> ways = new ArrayList<>();
        if (account.provider().smtp() != null) {
            ways.add("--via smtp");
        }
        if (kind == Kind.GOOGLE) {
            ways.add("--via gmail-api");
        } else if (kind == Kind.MICROSOFT) {
            ways.add("--via graph");
        }
        return ways.isEmpty() ? "it has no SMTP server either: add one with oauthmail accounts add " + account.name()
                + " ... --smtp HOST:PORT" : "use " + String.join(" or ", ways);
    }

    private static String hostOf(URI uri) {
        return uri == null || uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }
}
