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
        assertThat(HtmlToText.convert("<a href=\"mailto:x@example.com\">x@example.com</a>")).isEqualTo("x@example.com\n");
    }

    @Test
    void nestedAndNumberedListsAreIndented() {
        assertThat(HtmlToText.convert("<ol start=\"3\"><li>three<ul><li>a</li><li>b<ol><li>deep</li></ol></li></ul></li>"
                + "<li>four</li></ol>")).isEqualTo("3. three\n  - a\n  - b\n    1. deep\n4. four\n");
    }

    @Test
    void tableCellsAreSeparatedByTabsAndRowsByLines() {
        assertThat(HtmlToText.convert("<table><tr><th>Item</th><th>Price</th></tr>"
                + "<tr><td>Widget</td><td>&euro;9.99</td></tr><tr><td></td><td>&nbsp;total</td></tr></table><p>after</p>"))
                .isEqualTo("Item\tPrice\nWidget\t€9.99\ntotal\n\nafter\n");
    }

    @Test
    void preKeepsItsSpacingAndEntitiesAreDecoded() {
        assertThat(HtmlToText.convert("<p>Fish &amp; chips &lt;3 &quot;caf&eacute;&quot;&nbsp;&nbsp;&mdash; ok</p>"
                + "<pre>  indented\n    more  spaces</pre><p>end</p>"))
                .isEqualTo("Fish & chips <3 \"café\" — ok\n\n  indented\n    more  spaces\n\nend\n");
    }

    @Test
    void imagesGiveTheirAltTextAndLinkedImagesTheirAddress() {
        assertThat(HtmlToText.convert("<p><img src=\"cid:logo\" alt=\"ACME\"> news</p>"
                + "<a href=\"https://shop.example\"><img src=\"b.png\" alt=\"Shop now\"></a> "
                + "<a href=\"https://example.com/x\"><img src=\"pixel.gif\" alt=\"\"></a>"))
                .isEqualTo("ACME news\n\nShop now (https://shop.example) https://example.com/x\n");
    }

    @Test
    void quotesArePrefixedAndHiddenTextIsLeftOut() {
        assertThat(HtmlToText.convert("<div style=\"display: none; max-height:0\">preheader&zwnj;&nbsp;&zwnj;</div>"
                + "<style>p{color:red}</style><p>He wrote:</p><blockquote><p>first</p><blockquote>inner</blockquote></blockquote>"
                + "<p>Thanks</p>")).isEqualTo("He wrote:\n\n> first\n>\n> > inner\n\nThanks\n");
    }

    @Test
    void aRealisticNewsletter() {
        String html = """
                <!DOCTYPE html><html><head><title>ACME News</title><style>td{padding:0}</style></head>
                <body style="margin:0">
                  <span style="display:none">Spring sale inside&zwnj;&nbsp;&zwnj;&nbsp;</span>
                  <table width="100%" cellpadding="0"><tr><td align="center">
                    <table width="600">
                      <tr><td><a href="https://acme.example/?utm=1"><img src="cid:logo" alt="ACME" width="120"></a></td></tr>
                      <tr><td>
                        <h1>Spring&nbsp;sale</h1>
                        <p>Hello Zoë,<br>
                           our <strong>spring sale</strong> starts today &ndash; up to 30&nbsp;% off.</p>
                        <ul>
                          <li>Garden tools</li>
                          <li>Bikes
                            <ul><li>city</li><li>mountain</li></ul>
                          </li>
                        </ul>
                        <table><tr><th>Item</th><th>Price</th></tr><tr><td>Rake</td><td>&euro;12</td></tr></table>
                        <p><a href="https://acme.example/sale" style="background:#f00">Shop the sale</a></p>
                      </td></tr>
                      <tr><td style="font-size:11px">
                        <hr>
                        You get this because you subscribed. <a href="https://acme.example/unsub?id=42">Unsubscribe</a>
                        &middot; <a href="#top">Top</a>
                      </td></tr>
                    </table>
                  </td></tr></table>
                  <img src="https://acme.example/open.gif" width="1" height="1" alt="">
                </body></html>
                """;
        assertThat(HtmlToText.convert(html)).isEqualTo("""
                ACME (https://acme.example/?utm=1)
                Spring sale

                Hello Zoë,
                our spring sale starts today – up to 30 % off.

                - Garden tools
                - Bikes
                  - city
                  - mountain
                Item\tPrice
                Rake\t€12

                Shop the sale (https://acme.example/sale)

                ----
                You get this because you subscribed. Unsubscribe (https://acme.example/unsub?id=42) · Top
                """);
    }
}
