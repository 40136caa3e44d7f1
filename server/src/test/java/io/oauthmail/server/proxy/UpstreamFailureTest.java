package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.Account;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.provider.Providers;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which upstream failures are permanent, and the reply each protocol gets for them. */
class UpstreamFailureTest {

    private static final Account ME = new Account("me@gmail.com", "me@gmail.com", Providers.google(), "client", null,
            List.of(), null);
    private static final String FIX = "; run: oauthmail login me@gmail.com";

    private static UpstreamFailure classify(Exception e) {
        return UpstreamFailure.classify(ME, "imap.gmail.com:993", e);
    }

    @Test
    void aLostGrantIsPermanentAndEndsInTheFixHoweverLongTheReason() {
        String reason = "the provider answered invalid_grant: Token has been expired or revoked. ".repeat(10);
        UpstreamFailure failure = classify(new ReauthorizationRequired("me@gmail.com", reason, "run: oauthmail login me@gmail.com"));
        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.GRANT_LOST);
        assertThat(failure.imap("a1")).startsWith("a1 NO [AUTHENTICATIONFAILED] ").endsWith(FIX).hasSizeLessThan(120);
        assertThat(failure.smtp()).startsWith("535 5.7.8 ").endsWith(FIX);
        assertThat(failure.pop3()).startsWith("-ERR [AUTH] ").endsWith(FIX);
    }

    @Test
    void aTokenRefusedAfterTheRefreshIsPermanentUnlessTheServerSaysItIsForNow() {
        assertThat(classify(new TokenRefused("AUTHENTICATE failed: invalid credentials")).smtp())
                .startsWith("535 5.7.8 imap.gmail.com:993 refused me@gmail.com's token").endsWith(FIX);
        for (String forNow : List.of("454 4.7.0 Temporary authentication failure", "NO [UNAVAILABLE] try later",
                "-ERR [SYS/TEMP] busy", "-ERR [IN-USE] mailbox locked")) {
            UpstreamFailure failure = classify(new TokenRefused(forNow));
            assertThat(failure.kind()).as(forNow).isEqualTo(UpstreamFailure.Kind.REFUSED_FOR_NOW);
            assertThat(failure.imap("a1")).startsWith("a1 NO [UNAVAILABLE] ");
            assertThat(failure.smtp()).startsWith("454 4.7.0 ");
            assertThat(failure.pop3()).startsWith("-ERR [SYS/TEMP] ");
        }
    }

    @Test
    void noTokenForNowAndAnUnreachableServerAreTemporary() {
        UpstreamFailure noToken = classify(new TemporaryFailure("account me@gmail.com: the token endpoint answered 503", null, null));
        assertThat(noToken.imap("a1")).startsWith("a1 NO [UNAVAILABLE] no token for me@gmail.com for now");
        assertThat(noToken.smtp()).startsWith("454 4.7.0 ");
        assertThat(noToken.pop3()).startsWith("-ERR [SYS/TEMP] ");
        UpstreamFailure unreachable = classify(new ConnectException("Connection refused"));
        assertThat(unreachable.smtp()).isEqualTo("454 4.4.0 cannot reach imap.gmail.com:993 for now: Connection refused");
        assertThat(classify(new IOException("the server closed the connection")).kind()).isEqualTo(UpstreamFailure.Kind.UNREACHABLE);
    }

    @Test
    void aSecretInAServersWordsNeverReachesTheReply() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2JAc2FuZGJveC50ZXN0In0.c2lnbmF0dXJlc2lnbmF0dXJl";
        UpstreamFailure failure = classify(new TokenRefused("454 4.7.0 echo: AUTH XOAUTH2 " + jwt + "\r\nX OK"));
        assertThat(failure.smtp()).doesNotContain(jwt).doesNotContain("\r").doesNotContain("\n");
    }
}
