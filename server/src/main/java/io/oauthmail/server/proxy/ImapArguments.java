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

    private ImapArguments() {
    }

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
                    throw new IOException("unterminated quoted string");
                }
                i++;
                arguments.add(value.toString());
            } else if (c == '{' && line.endsWith("}")) {
                String size = line.substring(i + 1, line.length() - 1);
                boolean nonSynchronizing = size.endsWith("+");
                int n = Integer.parseInt(nonSynchronizing ? size.substring(0, size.length() - 1) : size);
                if (n < 0 || n > MAX_LITERAL) {
                    throw new IOException("literal too large");
                }
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
}
