package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerRepliesTest {

    @Test
    void knownRefusalsAreExplained() {
        assertThat(ServerReplies.hint("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant"))
                .contains("Set-CASMailbox").contains("SmtpClientAuthenticationDisabled $false");
        assertThat(ServerReplies.hint("535-5.7.8 Username and Password not accepted. BadCredentials"))
                .contains("https://mail.google.com/");
        assertThat(ServerReplies.hint("535 5.7.3 Authentication unsuccessful")).contains("wrong audience");
        assertThat(ServerReplies.hint("A1 NO AUTHENTICATE failed.")).contains("IMAP.AccessAsUser.All");
        assertThat(ServerReplies.hint("550 5.7.30 Basic authentication is not supported for Client Submission")).contains("basic");
        assertThat(ServerReplies.hint("451 something else")).isEqualTo("451 something else");
    }
}
