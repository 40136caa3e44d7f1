package io.oauthmail.server.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of an IMAP command line as RFC 3501 writes strings: atoms, quoted strings with {@code \"}
 * and {@code \\} escapes, and literals ({@code {n}} asks for a continuation, {@code {n+}} does not), which
 * clients use for passwords with special characters.
 */
final class ImapArguments {

    private static final int MAX_LITERAL = 4096;

    /**
     * The client broke the syntax: the command gets {@code BAD} and the session goes on. The message says what was
     * wrong without quoting the line, which may hold a password.
     */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    private ImapArguments() {
    }

    /** The arguments; throws {@link Malformed} for broken syntax, other IOExceptions when the client went away. */
    static List<String> read(String rest, InputStream in, OutputStream out) throws IOException {
        List<String> arguments = new ArrayList<>();
        String line = rest;
        int i = 0;
        while (true) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= line.length()) {
                return arguments;
            }
            char c = line.charAt(i);
            if (c == '"') {
                StringBuilder value = new StringBuilder();
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                        i++;
                    }
                    value.append(line.charAt(i++));
                }
                if (i >= line.length()) {
                    throw new Malformed("unterminated quoted string");
                }
                i++;
                arguments.add(value.toString());
            } else if (c == '{' && line.endsWith("}")) {
                String size = line.substring(i + 1, line.length() - 1);
                boolean nonSynchronizing = size.endsWith("+");
                int n = literalSize(nonSynchronizing ? size.substring(0, size.length() - 1) : size);
                if (!nonSynchronizing) {
                    Lines.write(out, "+ go ahead");
                }
                arguments.add(new String(in.readNBytes(n), StandardCharsets.UTF_8));
                line = Lines.read(in); // the command line goes on after the literal
                if (line == null) {
                    throw new IOException("end of stream after a literal");
                }
                i = 0;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                arguments.add(line.substring(i, end));
                i = end;
            }
        }
    }

    /** The n of {@code {n}}: digits only (no sign, no spaces), at most {@link #MAX_LITERAL}. */
    private static int literalSize(String digits) throws Malformed {
        if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Malformed("a literal's size must be a number, as in {12}");
        }
        int n = Integer.parseInt(digits);
        if (n > MAX_LITERAL) {
            throw new Malformed("literal larger than " + MAX_LITERAL + " bytes");
        }
        return n;
    }
}
