package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The IMAP argument parser: what it reads, and that broken syntax is a {@link ImapArguments.Malformed}, never a crash. */
class ImapArgumentsTest {

    /** The command's arguments as the IMAP session gathers them: lines and the literals they announce. */
    private static List<String> read(String rest, String following) throws IOException {
        InputStream in = new ByteArrayInputStream(following.getBytes(StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>(List.of(rest));
        List<byte[]> literals = new ArrayList<>();
        ImapArguments.Literal literal;
        while ((literal = ImapArguments.literalAtEnd(lines.get(lines.size() - 1))) != null) {
            byte[] bytes = in.readNBytes(literal.size());
            if (bytes.length < literal.size()) {
                throw new EOFException("the stream ended inside a literal");
            }
            literals.add(bytes);
            lines.add(line(in));
        }
        return ImapArguments.parse(lines, literals);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        if (c < 0 && line.length() == 0) {
            throw new EOFException("the stream ended after a literal");
        }
        return line.toString().replaceAll("\r$", "");
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
