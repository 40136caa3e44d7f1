package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The server-to-client side of an SMTP session after the login: an EHLO reply lists the proxy's own
 * mechanisms ({@code AUTH PLAIN LOGIN}, once, however many AUTH lines the server sent) and loses STARTTLS, which
 * describes the upstream link, not this one; the continuation markers ({@code 250-} and the last {@code 250 })
 * are set again after a line is dropped. An EHLO reply is recognised by its shape, a multi-line 250 reply (after
 * the login nothing else has that shape on any current server: VRFY and EXPN are disabled everywhere), and is
 * held until its last line (a few hundred bytes). When the server drops the connection without its 221, the
 * client gets the 421 a closing server owes it.
 */
final class SmtpCapabilities extends LineFilter {

    static final String CLOSING = "421 4.4.2 the server closed the connection; try again";
    /** More lines than any EHLO reply has: past this the reply is not one, and goes on unchanged. */
    private static final int MAX_HELD = 64;

    private final List<String> held = new ArrayList<>();
    private boolean passingReply;
    private boolean closingSeen;

    @Override
    long line(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
        boolean continues = length > 3 && bytes[offset + 3] == '-';
        if (!held.isEmpty() || (continues && startsWith(bytes, offset, length, "250") && !passingReply)) {
            String text = text(bytes, offset, length);
            if (!text.startsWith("250") || held.size() >= MAX_HELD) {
                flushHeld(out);
                passingReply = continues;
                out.write(bytes, offset, length);
                return 0;
            }
            held.add(text);
            if (!continues) {
                for (String line : rewrite(held)) {
                    writeLine(out, line);
                }
                held.clear();
            }
            return 0;
        }
        passingReply = continues;
        closingSeen = startsWith(bytes, offset, length, "221") || startsWith(bytes, offset, length, "421");
        out.write(bytes, offset, length);
        return 0;
    }

    @Override
    void overLongStarts(OutputStream out) throws IOException {
        flushHeld(out);
    }

    @Override
    void closed(OutputStream out, boolean atBoundary) throws IOException {
        flushHeld(out);
        if (atBoundary && !closingSeen) {
            writeLine(out, CLOSING);
        }
    }

    private void flushHeld(OutputStream out) throws IOException {
        for (String line : held) {
            writeLine(out, line);
        }
        held.clear();
    }

    /** An EHLO reply's lines (code and marker included) with the proxy's mechanisms and no STARTTLS. */
    static List<String> rewrite(List<String> reply) {
        List<String> kept = new ArrayList<>();
        kept.add(reply.get(0).substring(Math.min(4, reply.get(0).length())));
        boolean authed = false;
        for (String line : reply.subList(1, reply.size())) {
            String keyword = line.length() > 4 ? line.substring(4) : "";
            String upper = keyword.toUpperCase(Locale.ROOT);
            if (upper.equals("AUTH") || upper.startsWith("AUTH ") || upper.startsWith("AUTH=")) {
                if (!authed) {
                    kept.add("AUTH PLAIN LOGIN");
                    authed = true;
                }
            } else if (!upper.equals("STARTTLS")) {
                kept.add(keyword);
            }
        }
        List<String> marked = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            marked.add((i < kept.size() - 1 ? "250-" : "250 ") + kept.get(i));
        }
        return marked;
    }
}
