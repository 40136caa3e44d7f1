package io.oauthmail.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslTest {

    @Test
    void xoauth2MatchesGooglesDocumentedExample() {
        // The example of Google's XOAUTH2 protocol page: user someuser@example.com, token ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg
        assertThat(XOAuth2.base64("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"))
                .isEqualTo("dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
    }

    @Test
    void decodesGmailsFailureChallenge() {
        String line = "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIG1hYyIsInNjb3BlIjoiaHR0cHM6Ly9tYWlsLmdvb2dsZS5jb20vIn0K";
        SaslFailure failure = SaslFailure.decode(line).orElseThrow();
        assertThat(failure.status()).isEqualTo("401");
        assertThat(failure.scope()).isEqualTo("https://mail.google.com/");
        assertThat(failure.diagnosis()).contains("invalid, expired or revoked").contains("https://mail.google.com/");
    }

    @Test
    void decodesImapContinuationAndOauthBearerStatuses() {
        String json = "{\"status\":\"insufficient_scope\",\"scope\":\"https://mail.google.com/\"}";
        String line = "+ " + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        assertThat(SaslFailure.decode(line).orElseThrow().diagnosis()).contains("lacks the scope");
    }

    @Test
    void ignoresLinesThatAreNotChallenges() {
        assertThat(SaslFailure.decode("535 5.7.8 Username and Password not accepted")).isEmpty();
        assertThat(SaslFailure.decode("334 VXNlcm5hbWU6")).isEmpty(); // AUTH LOGIN's "Username:"
        assertThat(SaslFailure.decode(null)).isEmpty();
    }
}
