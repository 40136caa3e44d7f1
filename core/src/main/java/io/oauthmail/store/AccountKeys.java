package io.oauthmail.store;

import java.util.List;

/**
 * The store keys that belong to one account: its tokens under its name, and the Microsoft Graph token that
 * sending through Graph caches beside them. Everything that forgets an account's grant (logout, accounts remove,
 * accounts add with another client) deletes all of them, so none outlives the grant it came from.
 */
public final class AccountKeys {

    private AccountKeys() {
    }

    /** Where the Graph access token of {@code account} is kept. */
    public static String graph(String account) {
        return account + "#graph";
    }

    /** Every key of {@code account}. */
    public static List<String> all(String account) {
        return List.of(account, graph(account));
    }

    /** Deletes every key of {@code account} from {@code store}. */
    public static void deleteAll(TokenStore store, String account) {
        for (String key : all(account)) {
            store.delete(key);
        }
    }
}
