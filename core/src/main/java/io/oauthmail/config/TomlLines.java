package io.oauthmail.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the line of a key in TOML text, so errors found after parsing (an unknown provider, a bad port)
 * can still name the line. Jackson's tree keeps no positions. This understands the subset oauthmail
 * writes and documents: {@code [table]} and {@code [table."quoted name"]} headers and {@code key = value} lines.
 */
final class TomlLines {

    private final String[] lines;

    TomlLines(String text) {
        this.lines = text.split("\r?\n", -1);
    }

    /**
     * 1-based line of {@code key} inside table {@code table} (e.g. ["accounts", "me@x"]), or its header, or 0.
     * The tables of an array of tables ({@code [[listener]]}) are named by their place, counted from 1:
     * ["listener[2]"] is the second.
     */
    int lineOf(List<String> table, String key) {
        List<String> current = List.of();
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        int header = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("[")) {
                if (line.startsWith("[[")) {
                    String array = String.join(".", headerPath(line.substring(1)));
                    current = List.of(array + "[" + seen.merge(array, 1, Integer::sum) + "]");
                } else {
                    current = headerPath(line);
                }
                if (current.equals(table)) {
                    header = i + 1;
                }
            } else if (current.equals(table) && key != null && keyOf(line).equals(key)) {
                return i + 1;
            }
        }
        return header;
    }

    /** The 1-based line range [header, next header) of a table, or null if it is not there. */
    int[] blockOf(List<String> table) {
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("[") && headerPath(line).equals(table)) {
                int end = i + 1;
                while (end < lines.length && !lines[end].strip().startsWith("[")) {
                    end++;
                }
                // leave trailing blank lines and comments to whatever follows
                while (end > i + 1 && (lines[end - 1].isBlank())) {
                    end--;
                }
                return new int[] {i + 1, end + 1};
            }
        }
        return null;
    }

    static List<String> headerPath(String header) {
        String inner = header.substring(1, header.indexOf(']') > 0 ? header.indexOf(']') : header.length()).strip();
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < inner.length()) {
                part.append(inner.charAt(++i));
            } else if (c == '.' && !quoted) {
                parts.add(part.toString().strip());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString().strip());
        return parts;
    }

    private static String keyOf(String line) {
        int eq = line.indexOf('=');
        if (eq <= 0 || line.startsWith("#")) {
            return "";
        }
        String key = line.substring(0, eq).strip();
        return key.startsWith("\"") && key.endsWith("\"") && key.length() > 1 ? key.substring(1, key.length() - 1) : key;
    }
}
