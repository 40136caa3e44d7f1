package io.oauthmail.mail;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

/**
 * The plain-text alternative of an HTML body. jsoup parses; its {@code text()} would drop every line break,
 * so this walks the nodes: block elements and {@code <br>} break lines, list items get a bullet, and links
 * keep their address as "text (url)".
 */
final class HtmlToText {

    private HtmlToText() {
    }

    static String convert(String html) {
        Element body = Jsoup.parse(html).body();
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode text) {
                    out.append(text.text());
                } else if (node instanceof Element e) {
                    switch (e.normalName()) {
                        case "br" -> out.append('\n');
                        case "li" -> newLine(out).append("- ");
                        case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "tr", "blockquote", "pre" ->
                                newLine(out);
                        default -> { }
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e) {
                    switch (e.normalName()) {
                        case "a" -> {
                            String href = e.attr("href");
                            if (!href.isEmpty() && !href.startsWith("#") && !href.equals(e.text())) {
                                out.append(" (").append(href.startsWith("mailto:") ? href.substring(7) : href).append(')');
                            }
                        }
                        case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote" -> newLine(out).append('\n');
                        case "td", "th" -> out.append('\t');
                        default -> { }
                    }
                }
            }
        }, body);
        return out.toString().replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip() + "\n";
    }

    private static StringBuilder newLine(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        return out;
    }
}
