package io.oauthmail.config;

import io.oauthmail.account.Account;
import io.oauthmail.error.OAuthMailException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * What {@code accounts add} does to an account that exists (for every front end, through {@link AccountAdd}): the
 * stored tokens belong to a grant of one provider, client and set of scopes, for one person. If the new settings keep all of those, the grant still applies, and so
 * does the address learned with it, which the new table keeps unless {@code --email} gives one. If any changed, the
 * tokens are another grant's (a refresh would fail, or act for the wrong client or address): they go, with the
 * learned address, and the account must log in again.
 *
 * @param settings what to write into the config
 * @param changed  what invalidates the grant ("client id", "scopes", ...); empty when the grant still applies
 */
record AccountReplacement(AccountSettings settings, List<String> changed) {

    static AccountReplacement of(AccountSettings previous, AccountSettings given) {
        List<String> changed = changes(previous, given);
        if (!changed.isEmpty() || given.email() != null || previous.email() == null) {
            return new AccountReplacement(given, changed);
        }
        return new AccountReplacement(given.withEmail(previous.email()), changed);
    }

    boolean grantKept() {
        return changed.isEmpty();
    }

    private static List<String> changes(AccountSettings previous, AccountSettings given) {
        List<String> changed = new ArrayList<>();
        Account before;
        try {
            before = AccountResolver.withoutSecret(previous);
        } catch (OAuthMailException e) {
            return List.of("settings (the old ones no longer resolve: " + e.getMessage() + ")");
        }
        Account after = AccountResolver.withoutSecret(given);
        if (!before.provider().name().equals(after.provider().name())) {
            changed.add("provider");
        }
        if (!before.clientId().equals(after.clientId())) {
            changed.add("client id");
        }
        if (!before.provider().endpoints().token().equals(after.provider().endpoints().token())) {
            changed.add("token endpoint");
        }
        if (!new HashSet<>(before.scopes()).equals(new HashSet<>(after.scopes()))) {
            changed.add("scopes");
        }
        if (given.email() != null && previous.email() != null && !given.email().equalsIgnoreCase(previous.email())) {
            changed.add("e-mail address");
        }
        return changed;
    }
}
