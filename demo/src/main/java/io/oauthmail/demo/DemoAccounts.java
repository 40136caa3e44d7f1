package io.oauthmail.demo;

import io.oauthmail.account.Account;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sandbox.Sandbox;
import java.util.List;
import java.util.Set;

/** The sandbox as a provider, and its users as accounts: configured the way a real provider is. */
final class DemoAccounts {

    private DemoAccounts() {
    }

    static Provider provider(Sandbox sandbox) {
        return new Provider("sandbox", new OAuthEndpoints(sandbox.authorizationEndpoint(), sandbox.tokenEndpoint(), null,
                sandbox.revocationEndpoint(), sandbox.userInfoEndpoint()), List.of("openid", "email", Sandbox.MAIL_SCOPE),
                new MailServer(sandbox.imaps().host(), sandbox.imaps().port(), TlsMode.IMPLICIT),
                new MailServer(sandbox.pop3s().host(), sandbox.pop3s().port(), TlsMode.IMPLICIT),
                new MailServer(sandbox.submission().host(), sandbox.submission().port(), TlsMode.STARTTLS), Set.of());
    }

    static Account of(Sandbox sandbox, String user) {
        return new Account(user, user, provider(sandbox), Sandbox.CLIENT_ID, null, List.of(), sandbox.caFile());
    }

    static Account overSmtps(Sandbox sandbox, Account account) {
        return account.withProvider(account.provider().withSmtp(
                new MailServer(sandbox.smtps().host(), sandbox.smtps().port(), TlsMode.IMPLICIT)));
    }
}
