package io.oauthmail.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A small strict JSON reader for the token record, which {@link TokenJson} reads on every {@code oauthmail token}:
 * Jackson's parser cost some 20 ms of CPU there, cold (its factory, buffers and name tables), for a 1 KB object
 * this code reads in well under a millisecond. The record is authenticated (AES-GCM) before it gets here, and was
 * written by Jackson; values this reader does not know (a newer version's fields) are skipped whole. Every syntax
 * error is an {@link IOException}.
 */
final class JsonText {

    private final String text;
    private int at;

    JsonText(byte[] utf8) {
        this.text = new String(utf8, StandardCharsets.UTF_8);
    }

    /** Consumes {@code c} after any whitespace. */
    void expect(char c) throws IOException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    /**
     * Inside an object: the next field's name, its colon consumed, or null at the closing brace (consumed).
     * {@code first} is true for the first call after the opening brace.
     */
    String nextField(boolean first) throws IOException {
        char c = peek();
        if (c == '}') {
            at++;
            return null;
        }
        if (!first) {
            expect(',');
        }
        String name = string();
        if (name == null) {
            throw error("expected a field name");
        }
        expect(':');
        return name;
    }

    /** True (consumed) if the next value is {@code null}. */
    boolean nullValue() throws IOException {
        if (peek() == 'n' && text.startsWith("null", at)) {
            at += 4;
            return true;
        }
        return false;
    }

    /** A string, or null for {@code null}. */
    String string() throws IOException {
        if (nullValue()) {
            return null;
        }
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException bad) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    /** A whole number (no fraction, no exponent). */
    long longValue() throws IOException {
        peek();
        int start = at;
        if (at < text.length() && text.charAt(at) == '-') {
            at++;
        }
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        try {
            return Long.parseLong(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw error("expected a whole number");
        }
    }

    /** Reads past one value of any kind. */
    void skipValue() throws IOException {
        char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            at++;
            boolean first = true;
            while (peek() != close) {
                if (!first) {
                    expect(',');
                }
                if (close == '}') {
                    if (string() == null) {
                        throw error("expected a field name");
                    }
                    expect(':');
                }
                skipValue();
                first = false;
            }
            at++;
        } else {
            int start = at;
            while (at < text.length() && "+-.0123456789eEtrufalsn".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            String word = text.substring(start, at);
            if (word.isEmpty() || !(word.equals("true") || word.equals("false") || word.equals("null")
                    || word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"))) {
                throw error("expected a value");
            }
        }
    }

    /** The next character after whitespace, not consumed; NUL at the end. */
    char peek() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t' || text.charAt(at) == '\n'
                || text.charAt(at) == '\r')) {
            at++;
        }
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private IOException error(String what) {
        return new IOException("the token record is not valid JSON: " + what + " at character " + at);
    }
}
