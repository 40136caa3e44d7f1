package io.oauthmail.server.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arguments of an IMAP command as RFC 3501 writes strings: atoms, quoted strings with {@code \"} and
 * {@code \\} escapes, and literals ({@code {n}} asks for a continuation, {@code {n+}} does not), which clients
 * use for passwords with special characters. A command with literals arrives as its lines (each but the last
 * ending in the literal's size) and the literals between them.
 */
final class ImapArguments {

    /** Largest literal taken before the login: a user name or a password, never a message. */
    static final int MAX_LITERAL = 4096;

    /** A literal's size at the end of a line: {@code {n}} or {@code {n+}}; anything else in braces is malformed. */
    private static final Pattern LITERAL = Pattern.compile("\\{([0-9]{1,10})(\\+?)}$");

    /** The literal announced at the end of a line. */
    record Literal(int size, boolean synchronizing) {
    }

    /** A command the client got wrong: the text goes into a BAD reply. */
    static final class Malformed extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String reason) {
            super(reason);
        }
    }

    private ImapArguments() {
    }

    /**
     * The literal {@code line} ends with, or null when it ends with none.
     *
     * @throws Malformed for braces at the end that are no literal ({@code {abc}}), or one over {@link #MAX_LITERAL}
     */
    static Literal literalAtEnd(String line) throws Malformed {
        if (!line.endsWith("}")) {
            return null;
        }
        int open = line.lastIndexOf('{');
        if (open < 0) {
            return null; // an atom that happens to end in a brace
        }
        Matcher literal = LITERAL.matcher(line.substring(open));
        if (!literal.matches()) {
            throw new Malformed("malformed literal " + printable(line.substring(open)));
        }
        long size = Long.parseLong(literal.group(1));
        if (size > MAX_LITERAL) {
            throw new Malformed("literal too large (at most " + MAX_LITERAL + " bytes before login)");
        }
        return new Literal((int) size, literal.group(2).isEmpty());
    }

    /** The arguments in {@code lines} (the text after the verb, then each line after a literal) and {@code literals}. */
    static List<String> parse(List<String> lines, List<byte[]> literals) throws Malformed {
        List<String> arguments = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            boolean literalFollows = n < literals.size();
            int end = literalFollows ? line.lastIndexOf('{') : line.length();
            parseLine(line.substring(0, end), arguments);
            if (literalFollows) {
                arguments.add(new String(literals.get(n), StandardCharsets.UTF_8));
            }
        }
        return arguments;
    }

    private static void parseLine(String line, List<String> arguments) throws Malformed {
        int i = 0;
        while (true) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= line.length()) {
                return;
            }
            if (line.charAt(i) == '"') {
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
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                arguments.add(line.substring(i, end));
                i = end;
            }
        }
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 20 ? clean.substring(0, 20) + "..." : clean;
    }
}
