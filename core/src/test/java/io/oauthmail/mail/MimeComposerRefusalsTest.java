package io.oauthmail.mail;

import static io.oauthmail.mail.MimeComposerTest.PNG;
import static io.oauthmail.mail.MimeComposerTest.SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.error.OAuthMailException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with an {@link OAuthMailException} that names what is wrong and says what to do. */
class MimeComposerRefusalsTest {

    @TempDir
    Path dir;

    private static final Email TO_BOB = Email.to("bob@example.com").subject("x");

    @Test
    void aMissingAttachmentFileIsNamed() {
        Path missing = dir.resolve("nope.pdf");
        refused(() -> compose(TO_BOB.text("x").attach(missing)))
                .hasMessageContaining("attachment file does not exist").hasMessageContaining(missing.toString());
    }

    @Test
    void anAttachmentThatCannotBeReadIsNamed() throws Exception {
        // Tests may run as root, who reads any file: a directory is the unreadable file every user has.
        Path folder = Files.createDirectory(dir.resolve("reports"));
        refused(() -> compose(TO_BOB.text("x").attach(folder)))
                .hasMessageContaining("cannot read the attachment file").hasMessageContaining(folder.toString())
                .satisfies(e -> assertThat(hint(e)).contains("not a directory"));
    }

    @Test
    void anInvalidAddressIsNamedWithItsField() {
        refused(() -> compose(Email.to("bob@example.com").cc("not an address").text("x")))
                .hasMessageContaining("in Cc").hasMessageContaining("\"not an address\"");
        refused(() -> compose(Email.to("bob").text("x"))).hasMessageContaining("in To: \"bob\"");
        refused(() -> MimeComposer.compose(SESSION, "alice@", TO_BOB.text("x"))).hasMessageContaining("in From: \"alice@\"");
        refused(() -> compose(Email.to("a@example.com, b@example.com").text("x")))
                .satisfies(e -> assertThat(hint(e)).contains("one address per value"));
    }

    @Test
    void noRecipientsAtAll() {
        refused(() -> compose(Email.to().subject("lonely").text("x"))).hasMessageContaining("\"lonely\" has no recipients");
    }

    @Test
    void aCidTheHtmlShowsButNobodyGaveIsNamed() {
        refused(() -> compose(TO_BOB.html("<img src=\"cid:logo\"><img src='cid:banner'>").inline("logo", PNG, "image/png")))
                .hasMessageContaining("cid:banner").satisfies(e -> assertThat(hint(e)).contains("Email.inline(\"banner\""));
    }

    @Test
    void anInlinePartTheHtmlNeverShowsIsRefused() {
        refused(() -> compose(TO_BOB.html("<p>no images</p>").inline("logo", PNG, "image/png")))
                .hasMessageContaining("\"logo\" is never referenced")
                .satisfies(e -> assertThat(hint(e)).contains("<img src=\"cid:logo\">"));
    }

    @Test
    void cidsInStylesAndPercentEncodingCount() throws Exception {
        MimeComposer.compose(SESSION, "alice@example.com", TO_BOB
                .html("<td style=\"background:url(cid:bg)\"><img src=\"CID:logo%40example.com\"></td>")
                .inline("bg", PNG, "image/png").inline("logo@example.com", PNG, "image/png"));
    }

    @Test
    void inlinePartsNeedHtml() {
        refused(() -> compose(TO_BOB.text("x").inline("logo", PNG, "image/png"))).hasMessageContaining("need an HTML body");
    }

    @Test
    void badCidsAndDuplicates() {
        refused(() -> TO_BOB.inline("my logo", PNG, "image/png")).hasMessageContaining("not a usable inline cid");
        refused(() -> TO_BOB.inline("<logo>", PNG, "image/png")).hasMessageContaining("\"<logo>\"");
        refused(() -> TO_BOB.inline("logo", PNG, "image/png").inline("logo", PNG, "image/png")).hasMessageContaining("given twice");
    }

    @Test
    void headerInjectionIsRefused() {
        refused(() -> TO_BOB.header("X-Note", "ok\r\nBcc: everyone@example.com"))
                .hasMessageContaining("X-Note").hasMessageContaining("ok\\r\\nBcc")
                .satisfies(e -> assertThat(hint(e)).contains("header injection"));
        refused(() -> TO_BOB.header("X-Note", "ok\nmore")).hasMessageContaining("line break");
        refused(() -> TO_BOB.subject("Hi\r\nBcc: everyone@example.com")).hasMessageContaining("subject contains a line break");
        refused(() -> TO_BOB.header("X Note", "x")).hasMessageContaining("not a valid header name");
        refused(() -> TO_BOB.header("X-Note:", "x")).hasMessageContaining("not a valid header name");
    }

    @Test
    void headersTheComposerOwnsAreRefused() {
        for (String name : new String[] {"Bcc", "bcc", "Content-Type", "MIME-Version", "From", "To", "Message-ID",
                "Content-Transfer-Encoding"}) {
            refused(() -> TO_BOB.header(name, "x")).hasMessageContaining("header " + name + " cannot be set");
        }
        refused(() -> TO_BOB.header("Bcc", "x")).satisfies(e -> assertThat(hint(e)).contains("Email.bcc"));
    }

    @Test
    void aBadContentTypeIsRefused() {
        refused(() -> TO_BOB.attach("a.bin", new byte[1], "pdf")).hasMessageContaining("not a content type: \"pdf\"");
    }

    @Test
    void anEmlWithoutSenderOrRecipientsOrFileIsRefused() {
        refused(() -> MimeComposer.fromEml(SESSION, eml("To: bob@example.com\r\n\r\nx\r\n"))).hasMessageContaining("no From header");
        refused(() -> MimeComposer.fromEml(SESSION, eml("From: a@example.com\r\n\r\nx\r\n"))).hasMessageContaining("no recipients");
        refused(() -> MimeComposer.fromEml(SESSION, dir.resolve("gone.eml")))
                .hasMessageContaining("message file does not exist").hasMessageContaining("gone.eml");
    }

    private static ByteArrayInputStream eml(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void compose(Email email) {
        MimeComposer.compose(SESSION, "alice@example.com", email);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call) {
        return assertThatThrownBy(call).isExactlyInstanceOf(OAuthMailException.class)
                .satisfies(e -> assertThat(((OAuthMailException) e).hint()).isPresent());
    }

    private static String hint(Throwable e) {
        return ((OAuthMailException) e).hint().orElseThrow();
    }
}
