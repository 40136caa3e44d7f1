package io.oauthmail.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlToTextTest {

    @Test
    void keepsLinesListsAndLinks() {
        String text = HtmlToText.convert("<h1>Report</h1><p>Line one<br>Line two</p>"
                + "<ul><li>first</li><li>second</li></ul><p>See <a href=\"https://example.com/a\">the page</a>"
                + " or <a href=\"mailto:x@example.com\">write</a>.</p>");
        assertThat(text).isEqualTo("Report\n\nLine one\nLine two\n\n- first\n- second\nSee the page (https://example.com/a) or write (x@example.com).\n");
    }

    @Test
    void aLinkWhoseTextIsItsAddressIsNotRepeated() {
        assertThat(HtmlToText.convert("<a href=\"https://example.com\">https://example.com</a>"))
                .isEqualTo("https://example.com\n");
    }
}
