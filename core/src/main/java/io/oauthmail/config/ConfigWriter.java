package io.oauthmail.config;

import io.oauthmail.error.OAuthMailException;
import io.oauthmail.store.OwnerOnlyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Edits the config file for {@code oauthmail accounts add|remove}, so nobody has to. Only the account's own
 * table is rewritten; everything else in the file, comments included, stays as the user left it. The file
 * is replaced atomically and kept owner-only, because it may hold a client secret.
 */
public final class ConfigWriter {

    private ConfigWriter() {
    }

    /** Adds the account, or replaces its table if it exists. */
    public static void putAccount(Path file, AccountSettings account) {
        List<String> lines = new ArrayList<>(read(file));
        List<String> block = block(account);
        int[] existing = new TomlLines(String.join("\n", lines)).blockOf(List.of("accounts", account.name()));
        if (existing != null) {
            replace(lines, existing, block);
        } else {
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.addAll(block);
        }
        write(file, lines);
    }

    /** Removes the account's table; returns false if there was none. */
    public static boolean removeAccount(Path file, String name) {
        List<String> lines = new ArrayList<>(read(file));
        int[] existing = new TomlLines(String.join("\n", lines)).blockOf(List.of("accounts", name));
        if (existing == null) {
            return false;
        }
        replace(lines, existing, List.of());
        write(file, lines);
        return true;
    }

    static List<String> block(AccountSettings account) {
        List<String> block = new ArrayList<>();
        block.add("[accounts." + quote(account.name()) + "]");
        for (String key : AccountSettings.KEYS) {
            Object value = account.value(key);
            if (value != null) {
                block.add(key + " = " + toml(value));
            }
        }
        return block;
    }

    private static void replace(List<String> lines, int[] range, List<String> with) {
        int from = range[0] - 1;
        int to = Math.min(range[1] - 1, lines.size());
        lines.subList(from, to).clear();
        lines.addAll(from, with);
    }

    private static String toml(Object value) {
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(quote(item.toString()));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (value instanceof Integer) {
            return value.toString();
        }
        return quote(value.toString());
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static List<String> read(Path file) {
        try {
            return Arrays.asList(Files.readString(file).split("\r?\n", -1));
        } catch (NoSuchFileException e) {
            return List.of("# oauthmail configuration: edited by `oauthmail accounts add|remove`; comments are kept.");
        } catch (IOException e) {
            throw new OAuthMailException("cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static void write(Path file, List<String> lines) {
        try {
            OwnerOnlyFile.write(file, String.join("\n", lines).stripTrailing() + "\n");
        } catch (IOException | UnsupportedOperationException e) {
            throw new OAuthMailException("cannot write " + file + ": " + e.getMessage(),
                    "check that the folder exists and is yours", e);
        }
    }
}
