package io.oauthmail.server.web;

import io.oauthmail.account.Account;
import io.oauthmail.config.Config;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.LostGrants;
import io.oauthmail.web.WebConnect;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the console works with: the daemon's accounts (asked anew on each page, so a reload shows), the same
 * store, lost-grant notes and token manager the CLI and the daemon use, the folders (where the admin password and
 * the proxy's local passwords live), mail sessions for the test mail; the config file as it is now (read anew:
 * a new account is checked against it and written into it), the daemon's reload, which makes it serve a new
 * account, and what tells the daemon that tokens were stored (its refresher looks again).
 */
record ConsoleServices(Supplier<List<Account>> accounts, TokenStore store, LostGrants lostGrants, WebConnect connect,
        MailSessions mail, Clock clock, OAuthMailPaths paths, Supplier<Config> config, Runnable reload,
        Runnable connected) {
}
