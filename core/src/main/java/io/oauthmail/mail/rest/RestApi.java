package io.oauthmail.mail.rest;

import io.oauthmail.account.Account;

/**
 * What a failure message says about one REST API: its name as a person knows it, and what fixes a token that
 * lacks the permission to send.
 *
 * @param name e.g. {@code the Gmail API}
 * @param fix  the scope the token must carry and how to get it granted, before the new login that fetches it
 */
record RestApi(String name, String fix) {

    /** The hint for a refused token: the scope and how to grant it, then the login that gets a token with it. */
    String permissionHint(Account account) {
        return fix + ", then run: " + account.loginCommand();
    }
}
