package io.oauthmail.server.relay;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The process {@link FileSpoolCrashTest} kills: accepts messages as fast as it can and prints each id only after
 * {@code accept} returned, as the relay sends its 250.
 */
final class SpoolCrashChild {

    private SpoolCrashChild() {
    }

    static String body(int n) {
        return "Subject: message " + n + "\r\n\r\n" + ("line of message " + n + "\r\n").repeat(n % 50 + 1);
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        try (FileSpool spool = FileSpool.open(Path.of(args[0]), new FileSpool.Limits(0, 0), Clock.systemUTC())) {
            for (int n = 0; ; n++) {
                RelayQueue.Envelope envelope = new RelayQueue.Envelope("account" + n % 3, "a@example.org", List.of("b@example.net"),
                        "127.0.0.1", Instant.now());
                RelayQueue.Entry entry = spool.accept(envelope, new ByteArrayInputStream(body(n).getBytes(StandardCharsets.US_ASCII)),
                        1_000_000);
                out.println(entry.id() + " " + n);
                out.flush();
            }
        }
    }
}
