package com.example.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.OAuthMail;
import io.oauthmail.account.Account;
import io.oauthmail.oauth.Authorization;
import io.oauthmail.oauth.LoopbackFlow;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.OAuthEndpoints;
import io.oauthmail.provider.Provider;
import io.oauthmail.provider.TlsMode;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox plays the provider: a real OAuth server to log in to (its scripted browser approves the login as
 * alice) and a real mail server that checks the token and keeps what it receives.
 */
class WelcomeMailTest {

    @TempDir
    Path tokenFolder;

    @Test
    void aliceWelcomesBobThroughTheSandbox() throws Exception {
        try (Sandbox sandbox = Sandbox.start()) {
            Account alice = Account.builder("alice@sandbox.test", provider(sandbox))
                    .clientId(Sandbox.CLIENT_ID)
                    .caFile(sandbox.caFile()) // the sandbox's servers have certificates of their own CA
                    .build();
            TokenStore store = EncryptedFileStore.openWithKeyFile(tokenFolder);
            store.save(alice.name(), login(sandbox, alice).tokens());

            String messageId;
            try (OAuthMail mail = OAuthMail.of(store, alice)) {
                messageId = new WelcomeMail(mail, alice.name()).sendTo("bob@sandbox.test");
            }

            List<MimeMessage> received = sandbox.receivedMessages();
            assertThat(received).hasSize(1);
            MimeMessage welcome = received.get(0);
            assertThat(welcome.getMessageID()).isEqualTo(messageId);
            assertThat(welcome.getSubject()).isEqualTo(WelcomeMail.SUBJECT);
            assertThat(welcome.getFrom()[0]).hasToString("alice@sandbox.test");
            assertThat(welcome.getRecipients(Message.RecipientType.TO)[0]).hasToString("bob@sandbox.test");
        }
    }

    /** The sandbox as a provider, configured the way a real provider's endpoints and servers would be. */
    private static Provider provider(Sandbox sandbox) {
        OAuthEndpoints endpoints = new OAuthEndpoints(sandbox.authorizationEndpoint(), sandbox.tokenEndpoint(), null,
                sandbox.revocationEndpoint(), sandbox.userInfoEndpoint());
        return new Provider("sandbox", endpoints, List.of("openid", "email", Sandbox.MAIL_SCOPE),
                new MailServer(sandbox.imaps().host(), sandbox.imaps().port(), TlsMode.IMPLICIT),
                new MailServer(sandbox.pop3s().host(), sandbox.pop3s().port(), TlsMode.IMPLICIT),
                new MailServer(sandbox.submission().host(), sandbox.submission().port(), TlsMode.STARTTLS), Set.of());
    }

    /** The browser login of `oauthmail login`, with the sandbox's scripted browser approving as the user. */
    private static Authorization login(Sandbox sandbox, Account account) {
        try (LoopbackFlow.Pending pending = new LoopbackFlow(account, Clock.systemUTC(), Duration.ofSeconds(20)).begin(0)) {
            sandbox.browser().approve(pending.authorizationUrl(), account.mailUser());
            return pending.await();
        }
    }
}
