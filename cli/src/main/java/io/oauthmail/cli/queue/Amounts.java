package io.oauthmail.cli.queue;

import java.time.Duration;
import java.util.Locale;

/** Ages and sizes as the queue's lines and {@code oauthmail status} print them. */
public final class Amounts {

    private Amounts() {
    }

    /** 42s, 5m, 3h, 2d: the largest whole unit. */
    public static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s < 86_400 ? s / 3600 + "h" : s / 86_400 + "d";
    }

    /** 512 B, 3.4 KiB, 12.0 MiB. */
    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        return bytes < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
