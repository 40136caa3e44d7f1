package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionFactory;

/**
 * The waits the CLI tests share, with Awaitility rather than sleeping loops: for the login URL a running
 * {@code oauthmail login} prints, and for a line in a running daemon's output. Each fails with what was printed.
 */
final class Awaits {

    private Awaits() {
    }

    /** Polls at once, then every 25 ms: these waits end in milliseconds, and a test waits for several of them. */
    static ConditionFactory polling(String what, Duration atMost) {
        return await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25));
    }

    /** The URL a running {@code oauthmail login} prints alone on a line of its stderr {@code err}. */
    static URI loginUrl(StringWriter err) {
        polling("the login URL", Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(firstUrl(err)).as("the URL alone on a line of stderr: %s", err).isPresent());
        return firstUrl(err).orElseThrow();
    }

    private static Optional<URI> firstUrl(StringWriter err) {
        return err.toString().lines().filter(l -> l.startsWith("http")).map(URI::create).findFirst();
    }

    /** Waits until {@code output} satisfies {@code condition}, {@code what} named with the output on failure. */
    static String output(Supplier<String> output, Predicate<String> condition, String what) {
        return output(output, condition, what, () -> true);
    }

    /** As {@link #output(Supplier, Predicate, String)}, failing at once, with the output, when the process ends. */
    static String output(Supplier<String> output, Predicate<String> condition, String what, BooleanSupplier alive) {
        polling(what, Duration.ofSeconds(30))
                .failFast(what + ": the process ended", () -> assertThat(alive.getAsBoolean()).as(output.get()).isTrue())
                .untilAsserted(() -> assertThat(output.get()).as(what).matches(condition));
        return output.get();
    }

    /** The text of a file a process writes its output to; empty before the process creates it. */
    static String text(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The daemon's output once it says its accounts are fresh: its start is over. */
    static String daemonStarted(Supplier<String> output) {
        return output(output, t -> t.contains("account(s) fresh"), "the daemon's start");
    }

    /** As {@link #daemonStarted(Supplier)}, failing at once when the daemon ends. */
    static String daemonStarted(Supplier<String> output, BooleanSupplier alive) {
        return output(output, t -> t.contains("account(s) fresh"), "the daemon's start", alive);
    }
}
