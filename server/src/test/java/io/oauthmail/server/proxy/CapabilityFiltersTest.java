package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The relay's rewriting filters on their own, fed in every possible split of the input. */
class CapabilityFiltersTest {

    /** What {@code filter} makes of {@code input}, with the input cut into two chunks at every position. */
    private static String throughEverySplit(Supplier<StreamFilter> filters, String input) throws IOException {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        String first = null;
        for (int cut = 0; cut <= bytes.length; cut++) {
            StreamFilter filter = filters.get();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FilterFeed.write(filter, bytes, 0, cut, out);
            FilterFeed.write(filter, bytes, cut, bytes.length - cut, out);
            String result = out.toString(StandardCharsets.ISO_8859_1);
            if (first == null) {
                first = result;
            }
            assertThat(result).as("cut at %d", cut).isEqualTo(first);
        }
        return first;
    }

    @Test
    void imapCapabilitiesListTheProxysMechanismOnce() throws IOException {
        String out = throughEverySplit(ImapCapabilities::new,
                "* CAPABILITY IMAP4rev1 STARTTLS AUTH=XOAUTH2 AUTH=OAUTHBEARER LOGINDISABLED IDLE\r\n"
                        + "a1 OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR IDLE] done\r\n");
        assertThat(out).isEqualTo("* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE\r\n"
                + "a1 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] done\r\n");
    }

    @Test
    void imapLiteralsPassUntouchedWhateverTheySay() throws IOException {
        String body = "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 STARTTLS\r\na1 OK [CAPABILITY AUTH=XOAUTH2] x\r\n";
        String input = "* 1 FETCH (BODY[] {" + body.length() + "}\r\n" + body + ")\r\n"
                + "* 2 FETCH (BODY[] {0}\r\n)\r\n"
                + "a2 OK FETCH completed\r\n"
                + "* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n";
        assertThat(throughEverySplit(ImapCapabilities::new, input)).isEqualTo(
                input.substring(0, input.lastIndexOf("* CAPABILITY")) + "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n");
    }

    @Test
    void anOverLongImapLineGoesByUnchangedAndItsLiteralIsStillCounted() throws IOException {
        String longLine = "* SEARCH" + " 12345".repeat(3000) + " {40}\r\n";
        String literal = "* CAPABILITY AUTH=XOAUTH2 STARTTLS xxxxx\r\n".substring(0, 40);
        String input = longLine + literal + "\r\n* CAPABILITY AUTH=XOAUTH2\r\n";
        StreamFilter filter = new ImapCapabilities();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i += 1000) {
            FilterFeed.write(filter, bytes, i, Math.min(1000, bytes.length - i), out);
        }
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(longLine + literal + "\r\n* CAPABILITY AUTH=PLAIN\r\n");
    }

    @Test
    void nativeChunksAsTheRelayGetsThemComeOutAsFromAnArray() throws IOException {
        String body = "Subject: x\r\n\r\n" + "* CAPABILITY AUTH=XOAUTH2 {12}\r\n".repeat(400);
        String input = "* 1 FETCH (UID 7 BODY[] {" + body.length() + "}\r\n" + body + ")\r\n"
                + "a1 OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] FETCH completed\r\n";
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        StreamFilter filter = new ImapCapabilities();
        ByteBuf out = Unpooled.directBuffer();
        try {
            for (int at = 0, step = 1; at < bytes.length; at += step, step = step * 3 % 5000 + 1) {
                ByteBuf chunk = Unpooled.directBuffer(step).writeBytes(bytes, at, Math.min(step, bytes.length - at));
                filter.write(chunk, out);
                assertThat(chunk.isReadable()).as("the filter takes every byte of a chunk").isFalse();
                chunk.release();
            }
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(input.replace(
                    "a1 OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2]", "a1 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN]"));
        } finally {
            out.release();
        }
    }

    @Test
    void aDroppedImapSessionEndsWithBye() throws IOException {
        StreamFilter filter = new ImapCapabilities();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FilterFeed.write(filter, "* 3 EXISTS\r\n".getBytes(StandardCharsets.US_ASCII), 0, 12, out);
        filter.ended(out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("* 3 EXISTS\r\n" + ImapCapabilities.BYE + "\r\n");
    }

    @Test
    void smtpEhloListsAuthOnceWithoutStarttlsAndKeepsTheMarkersRight() throws IOException {
        String out = throughEverySplit(SmtpCapabilities::new,
                "250-smtp.example.com at your service\r\n250-SIZE 35882577\r\n250-AUTH LOGIN XOAUTH2 OAUTHBEARER\r\n"
                        + "250-AUTH=LOGIN XOAUTH2\r\n250-8BITMIME\r\n250 STARTTLS\r\n250 2.1.0 OK\r\n");
        assertThat(out).isEqualTo("250-smtp.example.com at your service\r\n250-SIZE 35882577\r\n250-AUTH PLAIN LOGIN\r\n"
                + "250 8BITMIME\r\n250 2.1.0 OK\r\n");
        assertThat(SmtpCapabilities.rewrite(List.of("250-host", "250 STARTTLS"))).containsExactly("250 host");
    }

    @Test
    void aDroppedSmtpSessionEndsWith421UnlessTheServerSaidGoodbye() throws IOException {
        StreamFilter filter = new SmtpCapabilities();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        filter.ended(out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(SmtpCapabilities.CLOSING + "\r\n");
        StreamFilter polite = new SmtpCapabilities();
        ByteArrayOutputStream bye = new ByteArrayOutputStream();
        FilterFeed.write(polite, "221 2.0.0 bye\r\n".getBytes(StandardCharsets.US_ASCII), 0, 15, bye);
        polite.ended(bye);
        assertThat(bye.toString(StandardCharsets.US_ASCII)).isEqualTo("221 2.0.0 bye\r\n");
    }

    @Test
    void pop3RewritesTheCapaReplyOnlyNotAMessageThatLooksLikeOne() throws IOException {
        Pop3Capabilities pop3 = new Pop3Capabilities();
        StreamFilter commands = pop3.commands();
        ByteArrayOutputStream up = new ByteArrayOutputStream();
        byte[] pipelined = "RETR 1\r\nCAPA\r\nLIST 1\r\n".getBytes(StandardCharsets.US_ASCII);
        FilterFeed.write(commands, pipelined, 0, pipelined.length, up);
        assertThat(up.toByteArray()).isEqualTo(pipelined);
        String message = "+OK 30 octets\r\nSASL XOAUTH2\r\nSTLS\r\n..hidden\r\n.\r\n";
        String input = message + "+OK capabilities\r\nUSER\r\nSASL XOAUTH2 OAUTHBEARER\r\nSTLS\r\nUIDL\r\n.\r\n+OK 1 30\r\n";
        StreamFilter replies = pop3.replies();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length; i += 7) {
            FilterFeed.write(replies, bytes, i, Math.min(7, bytes.length - i), out);
        }
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .isEqualTo(message + "+OK capabilities\r\nUSER\r\nSASL PLAIN\r\nUIDL\r\n.\r\n+OK 1 30\r\n");
    }

    @Test
    void failureReasonsNeverCarryASecretOrALineBreak() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib2JAc2FuZGJveC50ZXN0In0.c2lnbmF0dXJlc2lnbmF0dXJl";
        String sasl = "dXNlcj1ib2JAc2FuZGJveC50ZXN0AWF1dGg9QmVhcmVyIHlhMjkuYTBBZlZfNzc3NwEB";
        String reason = Upstream.reason(new IOException("500 unrecognised: AUTH XOAUTH2 " + sasl + "\r\nA1 OK " + jwt));
        assertThat(reason).doesNotContain(sasl).doesNotContain(jwt).doesNotContain("\r").doesNotContain("\n");
        assertThat(Upstream.reason(new IOException("Connection refused"))).isEqualTo("Connection refused");
    }
}
