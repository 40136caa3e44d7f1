package io.oauthmail.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.SaslClient;
import org.junit.jupiter.api.Test;

class BearerSaslClientTest {

    private static SaslClient client(String mechanism, AtomicReference<SaslFailure> failure) throws Exception {
        return new BearerSaslFactory().createSaslClient(new String[] {mechanism}, null, "smtp", "smtp.example.com",
                Map.of(BearerSaslFactory.PORT, "587", BearerSaslFactory.FAILURE, failure), callbacks -> {
                    ((NameCallback) callbacks[0]).setName("me@example.com");
                    ((PasswordCallback) callbacks[1]).setPassword("tok".toCharArray());
                });
    }

    @Test
    void oauthBearerSendsTheRfc7628ResponseThenAnswersAnErrorWithCtrlA() throws Exception {
        AtomicReference<SaslFailure> failure = new AtomicReference<>();
        SaslClient sasl = client("OAUTHBEARER", failure);
        assertThat(new String(sasl.evaluateChallenge(new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo("n,a=me@example.com,\u0001host=smtp.example.com\u0001port=587\u0001auth=Bearer tok\u0001\u0001");
        assertThat(sasl.isComplete()).isFalse();
        byte[] answer = sasl.evaluateChallenge("{\"status\":\"invalid_token\",\"scope\":\"s\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(answer).containsExactly(1);
        assertThat(failure.get().status()).isEqualTo("invalid_token");
        assertThat(sasl.isComplete()).isTrue();
    }

    @Test
    void xoauth2AnswersAnErrorWithAnEmptyResponse() throws Exception {
        AtomicReference<SaslFailure> failure = new AtomicReference<>();
        SaslClient sasl = client("XOAUTH2", failure);
        assertThat(new String(sasl.evaluateChallenge(new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo(XOAuth2.initialResponse("me@example.com", "tok"));
        assertThat(sasl.evaluateChallenge("{\"status\":\"401\",\"schemes\":\"bearer\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(failure.get().diagnosis()).contains("invalid, expired or revoked");
    }

    @Test
    void otherMechanismsAreNotOffered() throws Exception {
        assertThat(new BearerSaslFactory().createSaslClient(new String[] {"PLAIN"}, null, "smtp", "h", Map.of(), cb -> { }))
                .isNull();
    }
}
