package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What send and fetch say and carry (issue 11, item 9): a server's 55x refusal on one line in plain grammar, a body
 * that is not UTF-8 refused with the fix (or read with --charset), attached text files with their charset, and the
 * Message-ID in fetch --format json.
 */
class CliMessagesTest {

    private static final byte[] LATIN1_CAFE = "<p>caf\u00e9</p>\n".getBytes(StandardCharsets.ISO_8859_1);

    @RegisterExtension
    static final LoggedInSandbox accounts = new LoggedInSandbox("alice@sandbox.test", "bob@sandbox.test");

    @Test
    void aRefusedRecipientIsOneLineWithTheRightNumber() {
        CliRun refused = accounts.run("send", "alice@sandbox.test", "--to", "nobody@sandbox.test", "--subject", "x");
        assertThat(refused.exit()).isEqualTo(ExitCodes.FAILED);
        String[] lines = refused.err().split("\n");
        assertThat(lines).as(refused.err()).hasSize(2); // the message, then the hint
        assertThat(lines[0]).contains("550 5.1.1 nobody@sandbox.test: no such user").endsWith(") (to 1 recipient)");
        assertThat(lines[1]).startsWith("  nothing was retried");
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedWithTheFixAndReadWithCharset() throws Exception {
        Path latin1 = accounts.home().resolve("latin1.html");
        Files.write(latin1, LATIN1_CAFE);
        CliRun refused = accounts.run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "latin", "--html",
                latin1.toString(), "--dry-run");
        assertThat(refused.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err()).contains("the message body in " + latin1 + " is not UTF-8")
                .contains("--charset ISO-8859-1").contains("iconv -f latin1 -t utf-8 " + latin1)
                .doesNotContain("Input length");

        CliRun read = accounts.run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "latin", "--html",
                latin1.toString(), "--charset", "ISO-8859-1", "--dry-run");
        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(read.out()).contains("charset=UTF-8").contains("caf=C3=A9");

        CliRun stdin = accounts.run(new ByteArrayInputStream(LATIN1_CAFE), "send", "alice@sandbox.test", "--to",
                "bob@sandbox.test", "--subject", "latin", "--dry-run");
        assertThat(stdin.err()).contains("the message body in stdin is not UTF-8");
        assertThat(accounts.run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "x", "--charset", "klingon")
                .exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void attachedTextFilesSayTheirCharset() throws Exception {
        Path utf8 = accounts.home().resolve("notes.txt");
        Files.writeString(utf8, "na\u00efve caf\u00e9\n", StandardCharsets.UTF_8);
        Path latin1 = accounts.home().resolve("old.txt");
        Files.write(latin1, "na\u00efve caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        Path quotes = accounts.home().resolve("quotes.txt");
        Files.write(quotes, new byte[] {(byte) 0x93, 'h', 'i', (byte) 0x94, '\n'}); // windows-1252 curly quotes
        CliRun dry = accounts.run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "files", "--attach",
                utf8.toString(), "--attach", latin1.toString(), "--attach", quotes.toString(), "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).containsPattern("Content-Type: text/plain; charset=utf-8;\\s+name=notes.txt")
                .containsPattern("Content-Type: text/plain; charset=iso-8859-1;\\s+name=old.txt")
                .containsPattern("Content-Type: text/plain; charset=windows-1252;\\s+name=quotes.txt");
        assertThat(dry.err()).contains("note: old.txt is not UTF-8; attached as iso-8859-1 text")
                .contains("note: quotes.txt is not UTF-8; attached as windows-1252 text").doesNotContain("notes.txt");
    }

    @Test
    void fetchAsJsonCarriesTheMessageIdSendPrinted() {
        CliRun sent = accounts.run("send", "alice@sandbox.test", "--to", "bob@sandbox.test", "--subject", "with an id");
        assertThat(sent.exit()).as(sent.err()).isZero();
        String id = sent.out().strip();
        CliRun fetched = accounts.run(InputStream.nullInputStream(), "fetch", "bob@sandbox.test", "--format", "json",
                "--limit", "1");
        assertThat(fetched.exit()).as(fetched.err()).isZero();
        assertThat(fetched.out()).contains("\"subject\":\"with an id\"").contains("\"message_id\":\"" + id + "\"");
    }
}
