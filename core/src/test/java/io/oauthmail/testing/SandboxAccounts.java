package io.oauthmail.testing;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sandbox.Sandbox;
import java.util.List;
import java.util.Set;

/** Accounts pointing at a running sandbox, as a user would configure them for a real provider. */
public final class SandboxAccounts {

    private SandboxAccounts() {
    }

    /** The sandbox as a provider: its OAuth endpoints, IMAPS, POP3S and the STARTTLS submission port. */
    public static Provider provider(Sandbox sandbox) {
        return new Provider("sandbox", new OAuthEndpoints(sandbox.authorizationEndpoint(), sandbox.tokenEndpoint(), null,
                sandbox.revocationEndpoint(), sandbox.userInfoEndpoint()), List.of("openid", "email", Sandbox.MAIL_SCOPE),
                new MailServer(sandbox.imaps().host(), sandbox.imaps().port(), TlsMode.IMPLICIT),
                new MailServer(sandbox.pop3s().host(), sandbox.pop3s().port(), TlsMode.IMPLICIT),
                new MailServer(sandbox.submission().host(), sandbox.submission().port(), TlsMode.STARTTLS), Set.of());
    }

    public static Account account(Sandbox sandbox, String user) {
        return new Account(user, user, provider(sandbox), Sandbox.CLIENT_ID, null, List.of(), sandbox.caFile());
    }

    /**
     * {@code name} as a web application's confidential client ({@code oauthmail-web} with {@code secret}), logging
     * in as {@code user}: what the web-server flow ({@code io.oauthmail.web.WebConnect}) needs.
     */
    public static Account webClient(Sandbox sandbox, String name, String user, String secret) {
        Account plain = account(sandbox, user);
        return new Account(name, user, plain.provider(), "oauthmail-web", secret, plain.scopes(), plain.caFile());
    }

    /** The same account sending over SMTPS (implicit TLS) instead of the submission port. */
    public static Account overSmtps(Sandbox sandbox, Account account) {
        return account.withProvider(account.provider().withSmtp(
                new MailServer(sandbox.smtps().host(), sandbox.smtps().port(), TlsMode.IMPLICIT)));
    }
}
