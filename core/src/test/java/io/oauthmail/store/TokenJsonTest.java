package io.oauthmail.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.account.TokenSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenJsonTest {

    private static TokenSet read(String json) throws IOException {
        return TokenJson.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsWhatTheWriterWrites() throws IOException {
        assertThat(TokenJson.read(TokenJson.write(TokenJson.SAMPLE))).isEqualTo(TokenJson.SAMPLE);
        TokenSet odd = new TokenSet("tok\"en\\/ü€\n\u0001", Instant.ofEpochSecond(1_795_000_000L), null, null,
                List.of("openid", "https://mail.google.com/"), null, Instant.ofEpochSecond(-5));
        assertThat(TokenJson.read(TokenJson.write(odd))).isEqualTo(odd);
        TokenSet noScopes = new TokenSet("a", Instant.ofEpochSecond(1), "r", Instant.ofEpochSecond(2), List.of(), "id");
        assertThat(TokenJson.read(TokenJson.write(noScopes))).isEqualTo(noScopes);
    }

    @Test
    void skipsFieldsOfANewerVersionAndReadsEscapes() throws IOException {
        TokenSet read = read(" {\"future\": {\"a\": [1, -2.5e+3, true, false, null, {}, []], \"b\": \"x\\\"}\"},"
                + " \"version\": 1, \"accessToken\": \"\\u0041\\t\", \"expiresAt\": 100, \"more\": 0.5,"
                + " \"refreshTokenIssuedAt\": null, \"scopes\": [ ] } ");
        assertThat(read.accessToken()).isEqualTo("A\t");
        assertThat(read.expiresAt()).isEqualTo(Instant.ofEpochSecond(100));
        assertThat(read.refreshToken()).isNull();
        assertThat(read.scopes()).isEmpty();
    }

    @Test
    void refusesWhatIsNotARecord() {
        for (String bad : new String[] {"", "[]", "{", "{\"version\" 1}", "{\"version\": 1,}", "{\"accessToken\": \"x}",
            "{\"accessToken\": \"\\q\"}", "{\"expiresAt\": \"soon\"}", "{\"expiresAt\": null}", "{\"x\": nope}",
            "{\"scopes\": [\"a\" \"b\"]}", "{\"scopes\": [null]}", "{\"version\": 2, \"accessToken\": \"a\", \"expiresAt\": 1}",
            "{\"version\": 1, \"expiresAt\": 1}"}) {
            assertThatThrownBy(() -> read(bad)).as(bad).isInstanceOf(IOException.class);
        }
    }
}
