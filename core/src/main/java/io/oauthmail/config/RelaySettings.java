package io.oauthmail.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The relay's queue and workers, from the config file's {@code [relay]} table:
 *
 * <pre>
 * [relay]
 * spool = "/var/spool/oauthmail"   # default: relay/ in the state folder
 * reserve = "100MiB"               # free disk space kept; below it clients hear 452
 * max_messages = 100000            # the most messages queued at once; 0 for no limit
 * max_queue_time = "5d"            # how long a message is retried before it bounces
 * workers = 4                      # delivery workers
 * burst_wait = "5s"                # while clients send, delivery waits for them to pause, at most this long
 * via = { "work@contoso.com" = "graph", "me@gmail.com" = "gmail-api" }   # default: smtp
 * </pre>
 *
 * @param spool        the spool folder, if set (else {@code relay/} in the state folder)
 * @param reserveBytes free disk space the spool leaves to everything else
 * @param maxMessages  the most messages queued at once; 0 for no limit
 * @param maxQueueTime how long a message is retried after it was accepted before it bounces
 * @param workers      how many messages are delivered at once
 * @param via          how an account's mail goes out, by account name: {@code smtp} (everyone not listed),
 *                     {@code gmail-api} or {@code graph} (where SMTP AUTH is switched off)
 * @param burstWait    how long delivery may give way to a burst of incoming mail (it claims nothing while clients
 *                     are sending, until they pause); zero claims each message as soon as it is queued
 */
public record RelaySettings(Optional<Path> spool, long reserveBytes, int maxMessages, Duration maxQueueTime, int workers,
        java.util.Map<String, String> via, Duration burstWait) {

    /** The default {@code burst_wait}: a burst is taken at full speed, and delivered at most this much later. */
    public static final Duration BURST_WAIT = Duration.ofSeconds(5);

    /** The values {@code via} takes. */
    public static final List<String> VIAS = List.of("smtp", "gmail-api", "graph");

    /** No {@code [relay]} table: the spool in the state folder, 100 MiB kept free, 100,000 messages, 5 days, 4 workers. */
    public static final RelaySettings DEFAULT = new RelaySettings(Optional.empty(), 100L * 1024 * 1024, 100_000,
            Duration.ofDays(5), 4, java.util.Map.of(), BURST_WAIT);

    /** As before {@code via} existed: every account over SMTP. */
    public RelaySettings(Optional<Path> spool, long reserveBytes, int maxMessages, Duration maxQueueTime, int workers) {
        this(spool, reserveBytes, maxMessages, maxQueueTime, workers, java.util.Map.of());
    }

    /** With the default {@code burst_wait}. */
    public RelaySettings(Optional<Path> spool, long reserveBytes, int maxMessages, Duration maxQueueTime, int workers,
            java.util.Map<String, String> via) {
        this(spool, reserveBytes, maxMessages, maxQueueTime, workers, via, BURST_WAIT);
    }

    private static final Set<String> KEYS = Set.of("spool", "reserve", "max_messages", "max_queue_time", "workers", "via",
            "burst_wait");
    private static final List<String> TABLE = List.of("relay");

    public RelaySettings {
        java.util.Objects.requireNonNull(spool, "spool");
        java.util.Objects.requireNonNull(maxQueueTime, "maxQueueTime");
        java.util.Objects.requireNonNull(burstWait, "burstWait");
        via = java.util.Map.copyOf(via);
    }

    /** How {@code account}'s mail goes out: one of {@link #VIAS}. */
    public String via(String account) {
        return via.getOrDefault(account, "smtp");
    }

    /** Reads {@code [relay]}; absent, {@link #DEFAULT}. */
    static RelaySettings read(ConfigReader.Checker check, JsonNode relay) {
        if (relay == null) {
            return DEFAULT;
        }
        check.table(relay, TABLE);
        check.onlyKeys(relay, TABLE, KEYS);
        String spool = check.string(relay, TABLE, "spool");
        if (spool != null && spool.isBlank()) {
            throw check.error(TABLE, "spool", "the spool folder is empty", "e.g. spool = \"/var/spool/oauthmail\", or leave it out");
        }
        long reserve = DEFAULT.reserveBytes();
        String reserveText = check.string(relay, TABLE, "reserve");
        if (reserveText != null) {
            Long bytes = bytes(reserveText);
            if (bytes == null) {
                throw check.error(TABLE, "reserve", "'" + reserveText + "' is not a size", "write it like \"100MiB\" (the default), \"2GiB\" or \"500MB\"");
            }
            reserve = bytes;
        }
        int maxMessages = whole(check, relay, "max_messages", DEFAULT.maxMessages(), 0, "e.g. max_messages = 100000, or 0 for no limit");
        Duration maxQueueTime = DEFAULT.maxQueueTime();
        String queueTime = check.string(relay, TABLE, "max_queue_time");
        if (queueTime != null) {
            maxQueueTime = days(queueTime);
            if (maxQueueTime == null || maxQueueTime.compareTo(Duration.ofMinutes(1)) < 0 || maxQueueTime.compareTo(Duration.ofDays(90)) > 0) {
                throw check.error(TABLE, "max_queue_time", "'" + queueTime + "' is not a time between 1m and 90d",
                        "write it like \"5d\" (the default, as Postfix), \"12h\" or \"30m\"");
            }
        }
        int workers = whole(check, relay, "workers", DEFAULT.workers(), 1, "e.g. workers = 4 (the default)");
        Duration burstWait = BURST_WAIT;
        String burstText = check.string(relay, TABLE, "burst_wait");
        if (burstText != null) {
            burstWait = TokenSettingsScan.within(TokenSettingsScan.parseDuration(burstText), Duration.ZERO, Duration.ofMinutes(1));
            if (burstWait == null) {
                throw check.error(TABLE, "burst_wait", "'" + burstText + "' is not a time between 0s and 1m",
                        "write it like \"5s\" (the default), or \"0s\" to deliver each message as soon as it is queued");
            }
        }
        java.util.Map<String, String> via = new java.util.LinkedHashMap<>();
        JsonNode viaNode = relay.get("via");
        if (viaNode != null) {
            if (!viaNode.isObject()) {
                throw check.error(TABLE, "via", "via is not a table of account names",
                        "via = { \"work@contoso.com\" = \"graph\", \"me@gmail.com\" = \"gmail-api\" }");
            }
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = viaNode.fields(); it.hasNext(); ) {
                java.util.Map.Entry<String, JsonNode> entry = it.next();
                String value = entry.getValue().isTextual() ? entry.getValue().asText() : "";
                if (!VIAS.contains(value)) {
                    throw check.error(TABLE, "via", "account " + entry.getKey() + ": '" + entry.getValue().asText()
                            + "' is not a way to send", "use one of: " + String.join(", ", VIAS));
                }
                via.put(entry.getKey(), value);
            }
        }
        return new RelaySettings(Optional.ofNullable(spool).map(Path::of), reserve, maxMessages, maxQueueTime, workers, via,
                burstWait);
    }

    private static int whole(ConfigReader.Checker check, JsonNode relay, String key, int fallback, int min, String hint) {
        Integer value = check.integer(relay, TABLE, key);
        if (value == null) {
            return fallback;
        }
        if (value < min) {
            throw check.error(TABLE, key, key + " is at least " + min, hint);
        }
        return value;
    }

    /** {@code "5d"}, or anything {@link TokenSettingsScan#parseDuration} reads ({@code "12h"}, {@code "30m"}); null if neither. */
    static Duration days(String text) {
        String s = text.strip();
        if (s.endsWith("d")) {
            Duration hours = TokenSettingsScan.parseDuration(s.substring(0, s.length() - 1).strip() + "h");
            return hours == null ? null : hours.multipliedBy(24);
        }
        return TokenSettingsScan.parseDuration(s);
    }

    /**
     * A size as people write it: digits, then optionally B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (of 1000);
     * null if it is not one. Hand-written: four units do not justify a library.
     */
    static Long bytes(String text) {
        String s = text.strip();
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits)) && s.charAt(digits) < 128) {
            digits++;
        }
        if (digits == 0 || digits > 12) {
            return null;
        }
        long amount = Long.parseLong(s.substring(0, digits));
        long unit = switch (s.substring(digits).strip().toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "kb" -> 1_000;
            case "mb" -> 1_000_000;
            case "gb" -> 1_000_000_000;
            default -> 0;
        };
        return unit == 0 || amount > Long.MAX_VALUE / unit ? null : amount * unit;
    }
}
