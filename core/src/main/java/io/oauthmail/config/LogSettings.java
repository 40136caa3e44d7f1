package io.oauthmail.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the daemon logs, from the config file's {@code [log]} table: {@code level} and {@code format}. Either may be
 * left out: {@code oauthmail serve} then takes its flag, {@code OAUTHMAIL_LOG_LEVEL}, or its default (info, text).
 *
 * @param level  the most detailed level logged, if the file sets it
 * @param format plain text lines or JSON lines, if the file sets it
 */
public record LogSettings(Optional<Level> level, Optional<Format> format) {

    /** Nothing set: every default applies. */
    public static final LogSettings DEFAULT = new LogSettings(Optional.empty(), Optional.empty());

    public LogSettings {
        java.util.Objects.requireNonNull(level, "level");
        java.util.Objects.requireNonNull(format, "format");
    }

    /** How much the log says, from errors only to everything. */
    public enum Level {
        ERROR, WARN, INFO, DEBUG;

        /** {@code error}, {@code warn}, {@code info} or {@code debug}, in any case; empty for anything else. */
        public static Optional<Level> parse(String text) {
            return LogSettings.parse(Level.class, text);
        }

        /** As it is typed: {@code debug}. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Plain text for a terminal or journald, or one JSON object per line for a log collector. */
    public enum Format {
        TEXT, JSON;

        public static Optional<Format> parse(String text) {
            return LogSettings.parse(Format.class, text);
        }

        /** As it is typed: {@code json}. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static <E extends Enum<E>> Optional<E> parse(Class<E> type, String text) {
        return text == null ? Optional.empty() : Arrays.stream(type.getEnumConstants())
                .filter(value -> value.name().equalsIgnoreCase(text.strip())).findFirst();
    }

    /** The words a config file or a flag may use, e.g. {@code error, warn, info, debug}. */
    static String words(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(value -> value.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    /** Reads {@code [log]}; absent, nothing is set. */
    static LogSettings read(ConfigReader.Checker check, JsonNode log) {
        if (log == null) {
            return DEFAULT;
        }
        List<String> table = List.of("log");
        check.table(log, table);
        check.onlyKeys(log, table, Set.of("level", "format"));
        return new LogSettings(value(check, log, table, "level", Level.class, Level::parse),
                value(check, log, table, "format", Format.class, Format::parse));
    }

    private static <E extends Enum<E>> Optional<E> value(ConfigReader.Checker check, JsonNode log, List<String> table,
            String key, Class<E> type, java.util.function.Function<String, Optional<E>> parse) {
        String text = check.string(log, table, key);
        if (text == null) {
            return Optional.empty();
        }
        Optional<E> value = parse.apply(text);
        if (value.isEmpty()) {
            throw check.error(table, key, "unknown " + key + " '" + text + "'", "use one of " + words(type));
        }
        return value;
    }
}
