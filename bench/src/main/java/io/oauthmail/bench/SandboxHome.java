package io.oauthmail.bench;

import io.oauthmail.account.Account;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.config.ConfigReader;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.oauth.LoopbackFlow;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * An oauthmail home set up the way a user sets one up, against a sandbox: the account added with the CLI
 * ({@code accounts add --provider generic --issuer ...}), logged in through the loopback flow.
 */
final class SandboxHome {

    final Sandbox sandbox;
    final Path home;
    final Account account;
    final EncryptedFileStore store;

    SandboxHome(Sandbox sandbox, Path home, String user) {
        this.sandbox = sandbox;
        this.home = home;
        Map<String, String> env = Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(new String[] {"accounts", "add", user, "--provider", "generic",
            "--issuer", sandbox.issuer().toString(), "--client-id", Sandbox.CLIENT_ID,
            "--scopes", "openid email " + Sandbox.MAIL_SCOPE, "--email", user,
            "--imap", sandbox.imaps() + ":tls", "--smtp", sandbox.submission() + ":starttls",
            "--ca-file", sandbox.caFile().toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err), null, env);
        if (exit != 0) {
            throw new IllegalStateException("accounts add failed: " + err);
        }
        OAuthMailPaths paths = OAuthMailPaths.fromEnvironment(env, null);
        this.account = AccountResolver.withSecret(ConfigReader.read(paths).account(user).orElseThrow());
        this.store = EncryptedFileStore.openWithKeyFile(paths.tokenDir());
        try (LoopbackFlow.Pending login = new LoopbackFlow(account, Clock.systemUTC(), Duration.ofSeconds(30)).begin(0)) {
            sandbox.browser().approve(login.authorizationUrl(), user);
            store.save(account.name(), login.await().tokens());
        }
    }
}
