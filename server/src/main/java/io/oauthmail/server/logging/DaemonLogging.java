package io.oauthmail.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.oauthmail.config.LogSettings;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Sets the process's log level and format at run time: {@code oauthmail serve --log-level debug --log-format json}.
 * Everything oauthmail logs goes through SLF4J to Logback; this replaces Logback's one appender with a line per
 * event on stderr, as plain text (no timestamp when stderr is journald, which stamps each line itself) or as
 * JSON lines (Logback's own {@link JsonEncoder}: level, logger, message and the event's key-value pairs).
 *
 * <p>Other libraries (Netty, the OAuth and mail libraries) stay at warn, whatever the level: {@code debug} is for
 * oauthmail's own decisions, not for a TLS library's buffers. Done in code rather than a bundled
 * {@code logback.xml}: parsing XML at start would cost every short command tens of milliseconds.
 */
public final class DaemonLogging {

    /** Where oauthmail's own loggers live: they get the level asked for; everything else at most warn. */
    private static final String OURS = "io.oauthmail";
    /** Loggers quieter still, as before Logback: the sandbox's OAuth server talks a lot at warn. */
    private static final Map<String, Level> QUIET = Map.of("no.nav.security", Level.OFF, "org.subethamail", Level.ERROR);

    /**
     * This process's stderr as it is at each write, not as it was when the log was set up (as Logback's
     * ConsoleAppender does it): a host program or a test that swaps {@code System.err} gets the lines too.
     */
    static final OutputStream STDERR = new OutputStream() {
        @Override
        public void write(int b) {
            System.err.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            System.err.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            System.err.flush();
        }
    };

    private DaemonLogging() {
    }

    /**
     * Logs at {@code level} in {@code format} to this process's stderr from now on. Returns false, changing
     * nothing, when SLF4J is bound to another backend than Logback (oauthmail embedded in a program with its own).
     */
    public static boolean apply(LogSettings.Level level, LogSettings.Format format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        apply(context, level, format, STDERR, System.getenv("JOURNAL_STREAM") != null);
        return true;
    }

    /**
     * As {@link #apply(LogSettings.Level, LogSettings.Format)}, to {@code out} instead of stderr (never closed): for a
     * program that keeps the daemon's log elsewhere, and for tests that read it. Returns false on another backend.
     */
    public static boolean apply(LogSettings.Level level, LogSettings.Format format, OutputStream out) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        apply(context, level, format, out, false);
        return true;
    }

    /** The level asked for by {@code OAUTHMAIL_LOG_LEVEL}, if it names one (for commands with no flag of their own). */
    public static Optional<LogSettings.Level> fromEnvironment(Map<String, String> env) {
        return LogSettings.Level.parse(env.get("OAUTHMAIL_LOG_LEVEL"));
    }

    /** Replaces {@code context}'s appenders with one writing to {@code out} (which is never closed). */
    static void apply(LoggerContext context, LogSettings.Level level, LogSettings.Format format, OutputStream out,
            boolean journald) {
        Level ours = Level.toLevel(level.name());
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(ours.isGreaterOrEqual(Level.WARN) ? ours : Level.WARN);
        context.getLogger(OURS).setLevel(ours);
        QUIET.forEach((name, quiet) -> context.getLogger(name).setLevel(quiet));

        Encoder<ILoggingEvent> encoder = format == LogSettings.Format.JSON ? json() : text(context, journald);
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setName("oauthmail");
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        // Stopping an appender closes its stream: stderr must outlive any reconfiguration.
        appender.setOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        });
        appender.start();
        root.addAppender(appender);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context, boolean journald) {
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        // journald stamps each line itself: a time of our own is noise there.
        TextLayout layout = new TextLayout(!journald);
        layout.setContext(context);
        layout.start();
        encoder.setLayout(layout);
        return encoder;
    }

    /** One object per line: time, level, logger, the formatted message and key-value pairs; no thread or context noise. */
    private static Encoder<ILoggingEvent> json() {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithThreadName(false);
        encoder.setWithMDC(false);
        encoder.setWithMarkers(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        return encoder;
    }
}
