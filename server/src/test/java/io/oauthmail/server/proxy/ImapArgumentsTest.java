package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The IMAP argument parser: what it reads, and that broken syntax is a {@link ImapArguments.Malformed}, never a crash. */
class ImapArgumentsTest {

    private static List<String> read(String rest, String following) throws IOException {
        return ImapArguments.read(rest, new ByteArrayInputStream(following.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream());
    }

    @Test
    void readsAtomsQuotedStringsAndLiterals() throws IOException {
        assertThat(read("me \"pa ss\\\"word\"", "")).containsExactly("me", "pa ss\"word");
        assertThat(read("me {5}", "p{a}s\r\n")).containsExactly("me", "p{a}s");
        assertThat(read("{2+}", "me {3+}\r\npw!\r\n")).containsExactly("me", "pw!");
    }

    @Test
    void malformedLiteralsAndQuotesAreMalformedNotANumberFormatException() {
        for (String bad : List.of("{abc}", "me {}", "me {+}", "me {-1}", "me {99999999999}", "me {4097}", "me {1 2}",
                "me {３}", "me {0x10}", "me {3} x}", "\"unterminated", "me \"pw\\\"")) {
            assertThatThrownBy(() -> read(bad, "")).as(bad).isInstanceOf(ImapArguments.Malformed.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw"));
        }
    }

    /**
     * Thousands of random lines from the characters the parser cares about, with random bytes behind them: each
     * gives arguments, a {@link ImapArguments.Malformed}, or (the stream ran dry inside a literal) an IOException.
     */
    @Test
    void randomInputNeverEscapesAsAnotherException() {
        Random random = new Random(10);
        String alphabet = "{}+-\"\\ a1 09";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder();
            for (int n = random.nextInt(16); n > 0; n--) {
                line.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            StringBuilder following = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                following.append(random.nextInt(4) == 0 ? "\r\n" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            try {
                read(line.toString(), following.toString());
            } catch (IOException expected) {
                // Malformed, or the end of the stream inside a literal: both are answered, neither is a crash
            } catch (RuntimeException e) {
                throw new AssertionError("'" + line + "' then '" + following + "' threw " + e, e);
            }
        }
    }
}
