package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Composes messages, writes them to bytes and parses them back: the tree a receiving client would see. */
class MimeComposerTest {

    static final Session SESSION = Session.getInstance(new Properties());
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    private static final String HTML = "<p>Hallo <img src=\"cid:logo\" alt=\"Logo\"></p>";

    @TempDir
    Path dir;

    @Test
    void textOnlyIsOneTextPart() throws Exception {
        MimeMessage m = roundTrip(MimeComposer.compose(SESSION, "alice@example.com", Email.to("bob@example.com").subject("Hi").text("Grüße")));
        assertThat(m.getContentType()).startsWith("text/plain").containsIgnoringCase("charset=UTF-8");
        assertThat(m.getContent()).isEqualTo("Grüße");
        assertThat(tree(m)).isEqualTo("text/plain");
    }

    @Test
    void htmlAloneGetsATextAlternative() throws Exception {
        MimeMessage m = roundTrip(MimeComposer.compose(SESSION, "alice@example.com",
                Email.to("bob@example.com").subject("Hi").html("<p>See <a href=\"https://example.com/\">this</a></p>")));
        assertThat(tree(m)).isEqualTo("multipart/alternative[text/plain, text/html]");
        Multipart alternative = (Multipart) m.getContent();
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("See this (https://example.com/)\n");
    }

    @Test
    void inlineImagesAndAttachmentsNestMixedRelatedAlternative() throws Exception {
        Path pdf = Files.write(dir.resolve("Übersicht März 2024.pdf"), "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
        Path png = Files.write(dir.resolve("logo.png"), PNG);
        MimeMessage m = roundTrip(MimeComposer.compose(SESSION, "alice@example.com", Email.to("bob@example.com")
                .subject("Bericht").html(HTML).inline("logo", png).attach(pdf)
                .attach("données.csv", "a,b\n".getBytes(StandardCharsets.UTF_8), null)));

        assertThat(tree(m)).isEqualTo("multipart/mixed[multipart/related[multipart/alternative[text/plain, text/html],"
                + " image/png], application/pdf, text/csv]");
        Multipart mixed = (Multipart) m.getContent();
        BodyPart relatedPart = mixed.getBodyPart(0);
        assertThat(new ContentType(relatedPart.getContentType()).getParameter("type")).isEqualTo("multipart/alternative");
        BodyPart image = ((Multipart) relatedPart.getContent()).getBodyPart(1);
        assertThat(image.getHeader("Content-ID")).containsExactly("<logo>");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(image.getInputStream().readAllBytes()).isEqualTo(PNG);
        BodyPart attachment = mixed.getBodyPart(1);
        assertThat(attachment.getDisposition()).isEqualTo(Part.ATTACHMENT);
        assertThat(attachment.getFileName()).isEqualTo("Übersicht März 2024.pdf");
        assertThat(attachment.getHeader("Content-Disposition")[0]).contains("filename*=UTF-8''%C3%9Cbersicht");
        assertThat(mixed.getBodyPart(2).getFileName()).isEqualTo("données.csv");
    }

    @Test
    void attachmentsWithoutHtmlAreMixedWithThePlainText() throws Exception {
        MimeMessage m = roundTrip(MimeComposer.compose(SESSION, "alice@example.com", Email.to("bob@example.com")
                .text("see attached").attach("blob", new byte[] {1, 2, 3}, null)));
        assertThat(tree(m)).isEqualTo("multipart/mixed[text/plain, application/octet-stream]");
    }

    @Test
    void inlineWithoutAttachmentsIsRelatedAtTheTop() throws Exception {
        MimeMessage m = roundTrip(MimeComposer.compose(SESSION, "alice@example.com", Email.to("bob@example.com")
                .html(HTML).text("Hallo").inline("logo", PNG, "image/png")));
        assertThat(tree(m)).isEqualTo("multipart/related[multipart/alternative[text/plain, text/html], image/png]");
        assertThat(((Multipart) ((Multipart) m.getContent()).getBodyPart(0).getContent()).getBodyPart(0).getContent())
                .isEqualTo("Hallo");
    }

    @Test
    void subjectAndDisplayNamesAreEncodedAndDecodeBack() throws Exception {
        MimeMessage composed = MimeComposer.compose(SESSION, "José Müller <jose@example.com>",
                Email.to("Zoë Ångström <zoe@example.com>").cc("\"Dupont, Jean\" <jean@example.com>")
                        .replyTo("Équipe <team@example.com>").subject("Rapport für März ✓").text("x"),
                Clock.fixed(Instant.parse("2024-03-01T10:00:00Z"), ZoneOffset.UTC));
        String raw = new String(bytes(composed), StandardCharsets.US_ASCII);
        assertThat(raw).doesNotContain("é").contains("Subject: =?UTF-8?");
        assertThat(raw.chars()).allMatch(c -> c < 128);

        MimeMessage m = roundTrip(composed);
        assertThat(m.getSubject()).isEqualTo("Rapport für März ✓");
        assertThat(personal(m.getFrom()[0])).isEqualTo("José Müller");
        assertThat(personal(m.getRecipients(Message.RecipientType.TO)[0])).isEqualTo("Zoë Ångström");
        assertThat(personal(m.getRecipients(Message.RecipientType.CC)[0])).isEqualTo("Dupont, Jean");
        assertThat(personal(m.getReplyTo()[0])).isEqualTo("Équipe");
        assertThat(m.getSentDate().toInstant()).isEqualTo(Instant.parse("2024-03-01T10:00:00Z"));
        assertThat(m.getMessageID()).matches("<[0-9a-f-]+@example\\.com>");
    }

    @Test
    void bccIsAnEnvelopeRecipientButNeverAHeader() throws Exception {
        MimeMessage composed = MimeComposer.compose(SESSION, "alice@example.com",
                Email.to("bob@example.com").bcc("secret@example.com").subject("x").text("x"));
        assertThat(composed.getAllRecipients()).extracting(Address::toString)
                .containsExactly("bob@example.com", "secret@example.com");

        byte[] raw = bytes(composed);
        assertThat(new String(raw, StandardCharsets.US_ASCII)).doesNotContainIgnoringCase("bcc").doesNotContain("secret");
        MimeMessage parsed = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        assertThat(parsed.getHeader("Bcc")).isNull();
        assertThat(parsed.getAllRecipients()).extracting(Address::toString).containsExactly("bob@example.com");

        // A sending API (Gmail raw, Graph MIME) reads Bcc from the message to deliver the blind copy.
        java.io.ByteArrayOutputStream forApi = new java.io.ByteArrayOutputStream();
        MimeComposer.writeForSendingApi(composed, forApi);
        assertThat(forApi.toString(StandardCharsets.US_ASCII)).contains("Bcc: secret@example.com");
    }

    @Test
    void customHeadersAreWrittenEncoded() throws Exception {
        MimeMessage m = roundTrip(MimeComposer.compose(SESSION, "alice@example.com", Email.to("bob@example.com")
                .header("X-Campaign", "Frühling").header("List-Unsubscribe", "<mailto:unsub@example.com>").text("x")));
        assertThat(MimeUtility.decodeText(m.getHeader("X-Campaign")[0])).isEqualTo("Frühling");
        assertThat(m.getHeader("List-Unsubscribe")).containsExactly("<mailto:unsub@example.com>");
    }

    @Test
    void encodedSizeIsTheBytesSmtpWouldSend() throws Exception {
        MimeMessage m = MimeComposer.compose(SESSION, "alice@example.com", Email.to("bob@example.com")
                .bcc("secret@example.com").html("<p>hi</p>").attach("big.bin", new byte[300_000], null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out, new String[] {"Bcc", "Content-Length"});
        assertThat(MimeComposer.encodedSize(m)).isEqualTo(out.size()).isGreaterThan(400_000); // base64: 4/3
    }

    @Test
    void anEmlFileIsKeptAsIsWithAMessageIdAndDateAdded() throws Exception {
        String eml = "From: Carol <carol@example.org>\r\nTo: bob@example.com\r\nSubject: saved\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\nbody line\r\n";
        Path file = Files.writeString(dir.resolve("saved.eml"), eml, StandardCharsets.US_ASCII);
        MimeMessage m = MimeComposer.fromEml(SESSION, file);
        assertThat(m.getMessageID()).matches("<[0-9a-f-]+@example\\.org>");
        assertThat(m.getSentDate()).isNotNull();
        String written = new String(bytes(m), StandardCharsets.US_ASCII);
        assertThat(written).contains("From: Carol <carol@example.org>\r\nTo: bob@example.com\r\nSubject: saved\r\n")
                .endsWith("\r\n\r\nbody line\r\n");

        String withIds = "Message-ID: <kept@example.org>\r\nDate: Fri, 1 Mar 2024 10:00:00 +0000\r\n" + eml;
        MimeMessage kept = MimeComposer.fromEml(SESSION, new ByteArrayInputStream(withIds.getBytes(StandardCharsets.US_ASCII)));
        assertThat(new String(bytes(kept), StandardCharsets.US_ASCII)).isEqualTo(withIds);
    }

    @Test
    void aComposedMessageSurvivesTheEmlRoundTrip() throws Exception {
        MimeMessage composed = MimeComposer.compose(SESSION, "alice@example.com",
                Email.to("bob@example.com").subject("Grüße").html(HTML).inline("logo", PNG, "image/png"));
        byte[] raw = bytes(composed);
        MimeMessage again = MimeComposer.fromEml(SESSION, new ByteArrayInputStream(raw));
        assertThat(bytes(again)).isEqualTo(raw);
        assertThat(again.getMessageID()).isEqualTo(composed.getMessageID());
    }

    static MimeMessage roundTrip(MimeMessage message) throws Exception {
        return new MimeMessage(SESSION, new ByteArrayInputStream(bytes(message)));
    }

    static byte[] bytes(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** The MIME tree as "type[child, child]", base types only. */
    static String tree(Part part) throws Exception {
        String type = new ContentType(part.getContentType()).getBaseType().toLowerCase();
        if (!part.isMimeType("multipart/*")) {
            return type;
        }
        Multipart multipart = (Multipart) part.getContent();
        String[] children = new String[multipart.getCount()];
        for (int i = 0; i < children.length; i++) {
            children[i] = tree(multipart.getBodyPart(i));
        }
        return type + Arrays.toString(children);
    }

    private static String personal(Address address) {
        return ((InternetAddress) address).getPersonal();
    }
}
