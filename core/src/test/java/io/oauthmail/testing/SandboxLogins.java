package io.oauthmail.testing;

import io.oauthmail.account.Account;
import io.oauthmail.oauth.Authorization;
import io.oauthmail.oauth.LoopbackFlow;
import io.oauthmail.sandbox.Sandbox;
import java.time.Clock;
import java.time.Duration;

/** Logs an account in through the loopback flow, with the sandbox's browser approving as the account's user. */
public final class SandboxLogins {

    private SandboxLogins() {
    }

    public static Authorization login(Sandbox sandbox, Account account) {
        try (LoopbackFlow.Pending login = new LoopbackFlow(account, Clock.systemUTC(), Duration.ofSeconds(20)).begin(0)) {
            sandbox.browser().approve(login.authorizationUrl(), account.mailUser());
            return login.await();
        }
    }
}
