package io.oauthmail.mail;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * The plain-text alternative of an HTML body. jsoup parses (and decodes entities); its {@code text()} would drop
 * every line break, so this walks the nodes: block elements and {@code <br>} break lines, list items get a
 * bullet or number and are indented by nesting, links keep their address as "text (url)", images give their
 * alt text, table cells are separated by tabs, {@code <pre>} keeps its spacing, quotes get "> ", and what a
 * reader would not see (hidden preheaders, scripts, styles) is left out.
 */
final class HtmlToText {

    private static final Set<String> BLOCKS = Set.of("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
            "table", "tr", "blockquote", "pre", "section", "article", "header", "footer", "center", "dl", "dt", "dd");

    /** Blocks followed by an empty line, as a reader sees the margin below them. */
    private static final Set<String> SPACED = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "blockquote");

    private static final Set<String> INVISIBLE = Set.of("head", "script", "style", "template", "title");

    private HtmlToText() {
    }

    static String convert(String html) {
        Walker walker = new Walker();
        NodeTraversor.filter(walker, Jsoup.parse(html).body());
        return walker.out.toString().replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n").strip() + "\n";
    }

    private static final class Walker implements NodeFilter {
        private final StringBuilder out = new StringBuilder();
        /** Where the text of the open link and of each open quote starts in {@link #out}. */
        private int linkStart;
        private final Deque<Integer> quotes = new ArrayDeque<>();
        private int pre;

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode t) {
                text(pre > 0 ? t.getWholeText() : t.text());
            } else if (node instanceof Element e) {
                if (hidden(e)) {
                    return FilterResult.SKIP_ENTIRELY;
                }
                String name = e.normalName();
                switch (name) {
                    case "br" -> out.append('\n');
                    case "li" -> newLine().append(listMarker(e));
                    case "img" -> text(e.attr("alt"));
                    case "a" -> linkStart = out.length();
                    case "hr" -> newLine().append("----\n");
                    case "td", "th" -> {
                        if (!atLineStart() && e.elementSiblingIndex() > 0) {
                            out.append('\t');
                        }
                    }
                    default -> {
                        if (BLOCKS.contains(name)) {
                            newLine();
                        }
                    }
                }
                if (name.equals("pre")) {
                    pre++;
                } else if (name.equals("blockquote")) {
                    quotes.push(out.length());
                }
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (!(node instanceof Element e)) {
                return FilterResult.CONTINUE;
            }
            String name = e.normalName();
            if (name.equals("a")) {
                link(e.attr("href").strip());
            } else if (name.equals("pre")) {
                pre--;
            } else if (name.equals("blockquote")) {
                quote(quotes.pop());
            }
            if (BLOCKS.contains(name) || name.equals("li")) {
                newLine();
            }
            if (SPACED.contains(name)) {
                out.append('\n');
            }
            return FilterResult.CONTINUE;
        }

        private void text(String s) {
            if (pre > 0) {
                out.append(s);
                return;
            }
            // nbsp is spacing, not content; zero-width characters pad newsletter preheaders
            String t = s.replace('\u00A0', ' ').replaceAll("[\u200B-\u200D\u2060\uFEFF\u034F\u00AD]", "");
            if (atLineStart() || out.charAt(out.length() - 1) == ' ') {
                t = t.stripLeading();
            }
            out.append(t);
        }

        private void link(String href) {
            if (href.isEmpty() || href.startsWith("#") || href.regionMatches(true, 0, "javascript:", 0, 11)) {
                return;
            }
            String url = href.regionMatches(true, 0, "mailto:", 0, 7) ? href.substring(7) : href;
            String label = out.substring(linkStart).strip();
            if (label.isEmpty()) {
                out.append(url);
            } else if (!label.equals(url) && !label.equals(href)) {
                out.append(" (").append(url).append(')');
            }
        }

        /** Prefixes the lines written since {@code start} with "> ", as mail clients quote. */
        private void quote(int start) {
            String inner = out.substring(start).strip();
            out.setLength(start);
            newLine().append(inner.lines().map(l -> l.isEmpty() ? ">" : "> " + l).collect(Collectors.joining("\n")));
        }

        private StringBuilder newLine() {
            if (!atLineStart()) {
                out.append('\n');
            }
            return out;
        }

        /** True when the current line holds nothing but spaces and tabs. */
        private boolean atLineStart() {
            for (int i = out.length() - 1; i >= 0; i--) {
                char c = out.charAt(i);
                if (c == '\n') {
                    return true;
                }
                if (c != ' ' && c != '\t') {
                    return false;
                }
            }
            return true;
        }
    }

    /** "- " or "3. ", indented two spaces per enclosing list. */
    private static String listMarker(Element li) {
        int depth = 0;
        for (Element p = li.parent(); p != null; p = p.parent()) {
            if (p.normalName().equals("ul") || p.normalName().equals("ol")) {
                depth++;
            }
        }
        String indent = "  ".repeat(Math.max(0, depth - 1));
        Element list = li.parent();
        if (list == null || !list.normalName().equals("ol")) {
            return indent + "- ";
        }
        int number = start(list);
        for (Element sibling : list.children()) {
            if (sibling == li) {
                break;
            }
            if (sibling.normalName().equals("li")) {
                number++;
            }
        }
        return indent + number + ". ";
    }

    private static int start(Element ol) {
        try {
            return ol.hasAttr("start") ? Integer.parseInt(ol.attr("start").strip()) : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Not shown by a mail client: hidden preheaders and tracking blocks use display:none. */
    private static boolean hidden(Element e) {
        return INVISIBLE.contains(e.normalName()) || e.hasAttr("hidden")
                || e.attr("style").replaceAll("\\s", "").toLowerCase(Locale.ROOT).contains("display:none");
    }
}
