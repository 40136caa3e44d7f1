package io.oauthmail.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code oauthmail token ACCOUNT} needs from {@code config.toml} to print a cached token: that the account is
 * declared, where its tokens are, and the refresh margin. A line scan, not a parse: the TOML parser is some 90 ms
 * of that command's start-up. It reads the subset oauthmail writes and documents ({@code [table]} headers,
 * {@code key = "value"} lines) and vouches only for what it fully understood: a passphrase, another store kind,
 * keys before the first table (dotted keys, inline tables), multi-line strings, escapes or a value out of range
 * all answer "parse the file" (null), never "no such account". No lambdas: it runs before anything else does.
 */
public final class TokenSettingsScan {

    /**
     * @param tokenDir      the {@code [store] dir}, or null for the default folder
     * @param refreshMargin the {@code [tokens] refresh_margin}, or null for the default
     */
    public record Found(Path tokenDir, Duration refreshMargin) {
    }

    private enum Table { ROOT, STORE, TOKENS, OTHER }

    static final Duration MIN_MARGIN = Duration.ofSeconds(10);
    static final Duration MAX_MARGIN = Duration.ofMinutes(30);
    static final Duration MIN_TIMEOUT = Duration.ofSeconds(2);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    private TokenSettingsScan() {
    }

    /** The settings if {@code text} declares {@code account} in an {@code [accounts."name"]} table; null means "parse it". */
    public static Found scan(String text, String account) {
        if (text.contains("\"\"\"") || text.contains("'''")) {
            return null; // a multi-line string may hold lines that look like headers
        }
        boolean declared = false;
        String dir = null;
        Duration margin = null;
        Table table = Table.ROOT;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            String line = text.substring(start, end < 0 ? text.length() : end).strip();
            start = end < 0 ? text.length() : end + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                boolean array = line.startsWith("[[");
                List<String> header = TomlLines.headerPath(array ? line.substring(1) : line);
                String first = header.get(0);
                boolean ours = first.equals("store") || first.equals("tokens") || first.equals("accounts");
                if (array && ours || (first.equals("store") || first.equals("tokens")) && header.size() > 1) {
                    return null;
                }
                if (array) {
                    table = Table.OTHER; // [[listener]]: nothing the token needs
                } else if (first.equals("store")) {
                    table = Table.STORE;
                } else if (first.equals("tokens")) {
                    table = Table.TOKENS;
                } else {
                    table = Table.OTHER;
                    if (header.size() == 2 && first.equals("accounts") && header.get(1).equals(account)) {
                        if (declared) {
                            return null; // declared twice: the parser says so
                        }
                        declared = true;
                    }
                }
                continue;
            }
            if (table == Table.OTHER) {
                continue;
            }
            String[] pair = keyAndString(line);
            if (table == Table.ROOT || pair == null) {
                return null;
            }
            if (table == Table.STORE) {
                if (pair[0].equals("dir")) {
                    dir = pair[1];
                } else if (!(pair[0].equals("kind") && pair[1].equals("file"))) {
                    return null; // passphrase_cmd, another kind, jdbc_url: not for the lean path
                }
            } else if (pair[0].equals("refresh_margin")) {
                margin = within(parseDuration(pair[1]), MIN_MARGIN, MAX_MARGIN);
                if (margin == null) {
                    return null;
                }
            } else if (!pair[0].equals("timeout") || within(parseDuration(pair[1]), MIN_TIMEOUT, MAX_TIMEOUT) == null) {
                return null;
            }
        }
        return declared ? new Found(dir == null ? null : Path.of(dir), margin) : null;
    }

    /**
     * A duration as the config writes it: 1 to 6 digits, then optionally s, m or h (seconds by default), e.g.
     * {@code "5m"}, {@code "90s"}, {@code "120"}; null if it is not one.
     */
    static Duration parseDuration(String text) {
        String s = text.strip();
        int digits = 0;
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > 6) {
            return null;
        }
        long amount = Long.parseLong(s.substring(0, digits));
        switch (s.substring(digits).strip()) {
            case "":
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return null;
        }
    }

    static Duration within(Duration value, Duration min, Duration max) {
        return value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0 ? null : value;
    }

    /** {@code key = "value"} or {@code key = 'value'}, with an optional comment after it; null for anything else. */
    private static String[] keyAndString(String line) {
        int eq = line.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        String key = line.substring(0, eq).strip();
        if (key.length() > 1 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        String rest = line.substring(eq + 1).strip();
        if (rest.isEmpty() || rest.charAt(0) != '"' && rest.charAt(0) != '\'') {
            return null;
        }
        int close = rest.indexOf(rest.charAt(0), 1);
        if (close < 0 || rest.charAt(0) == '"' && rest.substring(0, close).indexOf('\\') >= 0) {
            return null; // unterminated, or an escape this scan does not decode
        }
        String after = rest.substring(close + 1).strip();
        if (!after.isEmpty() && !after.startsWith("#")) {
            return null;
        }
        return new String[] {key, rest.substring(1, close)};
    }
}
