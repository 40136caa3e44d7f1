package io.oauthmail.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where an IMAP stream stands between two lines, literals skipped, whatever the reads' sizes. */
class ImapStreamTest {

    private final List<String> lines = new ArrayList<>();
    private final ImapStream stream = new ImapStream(32, lines::add);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesAndTheirEnds() {
        byte[] b = bytes("* OK ready\r\nt1 OK done\r\n");
        stream.feed(b, 0, 5);
        assertThat(stream.atBoundary()).isFalse();
        stream.feed(b, 5, b.length);
        assertThat(stream.atBoundary()).isTrue();
        assertThat(lines).containsExactly("* OK ready", "t1 OK done");
    }

    @Test
    void aLiteralIsSkippedWhateverItHolds() {
        String body = "t9 OK fake\r\n* BYE not a line\r\n";
        byte[] b = bytes("* 1 FETCH (BODY[] {" + body.length() + "}\r\n" + body + ")\r\nt2 OK FETCH done\r\n");
        assertThat(stream.feedToBoundary(b, 0, b.length)).as("already between lines").isZero();
        stream.feed(b, 0, 1);
        int afterFirst = stream.feedToBoundary(b, 1, b.length);

        assertThat(new String(b, 0, afterFirst, StandardCharsets.ISO_8859_1)).endsWith(body + ")\r\n");
        assertThat(lines).containsExactly("* 1 FETCH (BODY[] {" + body.length() + "}");
        stream.feed(b, afterFirst, b.length);
        assertThat(lines).containsExactly("* 1 FETCH (BODY[] {" + body.length() + "}", "t2 OK FETCH done");
    }

    @Test
    void oneByteAtATimeAndNonSynchronizingLiterals() {
        byte[] b = bytes("a APPEND INBOX {5+}\r\nab\r\nc\r\nb NOOP\r\n");
        List<Integer> boundaries = new ArrayList<>();
        for (int i = 0; i < b.length; i++) {
            stream.feed(b, i, i + 1);
            if (stream.atBoundary()) {
                boundaries.add(i + 1);
            }
        }
        assertThat(boundaries).containsExactly(28, 36);
        assertThat(lines).containsExactly("a APPEND INBOX {5+}", "b NOOP");
    }

    @Test
    void aLongLineIsCutForTheListenerButItsLiteralIsStillFound() {
        byte[] b = bytes("* 1 FETCH (" + "X".repeat(100) + " BODY[] {3}\r\nabc)\r\n");
        stream.feed(b, 0, 1);
        assertThat(stream.feedToBoundary(b, 1, b.length)).isEqualTo(b.length);
        assertThat(lines).containsExactly("* 1 FETCH (" + "X".repeat(21));
    }

    @Test
    void braceTextThatIsNoLiteral() {
        byte[] b = bytes("* OK {abc}\r\n* OK {}\r\n");
        stream.feed(b, 0, b.length);
        assertThat(stream.atBoundary()).isTrue();
        assertThat(lines).hasSize(2);
    }
}
