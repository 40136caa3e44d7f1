package io.oauthmail.cli.serve;

import io.oauthmail.cli.Choice;
import io.oauthmail.cli.CliContext;
import io.oauthmail.config.LogSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.logging.DaemonLogging;
import io.oauthmail.server.ops.DaemonMetrics;
import io.oauthmail.server.ops.MetricsListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code serve}'s operations flags: the log's level and format, and the loopback metrics port. */
final class OpsOptions {

    @Option(names = "--log-level", paramLabel = "error|warn|info|debug", converter = LevelChoice.class,
            description = "How much the daemon logs on stderr (default info: a line per refresh, proxy login and failure; "
                    + "never a token or password). Else OAUTHMAIL_LOG_LEVEL, else [log] level in the config.")
    LogSettings.Level level;

    @Option(names = "--log-format", paramLabel = "text|json", converter = FormatChoice.class,
            description = "text (default; without timestamps under journald, which adds its own) or json: one object per line. "
                    + "Config: [log] format.")
    LogSettings.Format format;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "Also serve GET /metrics (Prometheus text format) over HTTP on this loopback address, e.g. "
                    + "127.0.0.1:9464. The control socket serves it always: curl --unix-socket STATE/run/serve.sock http://localhost/metrics")
    String metrics;

    /** Sets the log as the flag, OAUTHMAIL_LOG_LEVEL, the config's {@code [log]} table or the default (info, text) say. */
    void applyLogging(CliContext context) {
        LogSettings file = context.config().log();
        LogSettings.Level chosen = Optional.ofNullable(level).or(() -> DaemonLogging.fromEnvironment(context.env()))
                .or(file::level).orElse(LogSettings.Level.INFO);
        DaemonLogging.apply(chosen, Optional.ofNullable(format).or(file::format).orElse(LogSettings.Format.TEXT));
    }

    /**
     * The loopback metrics listener {@code --metrics} asks for (its address said on {@code messages}), or nothing to
     * close. Started after the daemon: a port taken by something else stops the whole start.
     */
    AutoCloseable startMetrics(DaemonMetrics daemonMetrics, PrintWriter messages) {
        if (metrics == null) {
            return () -> { };
        }
        int colon = metrics.lastIndexOf(':');
        MetricsListener listener;
        try {
            InetAddress host = InetAddress.getByName(metrics.substring(0, Math.max(colon, 0)).replaceAll("^\\[|\\]$", ""));
            listener = MetricsListener.start(daemonMetrics, new InetSocketAddress(host, Integer.parseInt(metrics.substring(colon + 1))));
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new OAuthMailException("--metrics takes a loopback HOST:PORT, not '" + metrics + "'", "e.g. --metrics 127.0.0.1:9464");
        }
        messages.println("oauthmail serve: metrics on " + listener.url());
        messages.flush();
        return listener;
    }

    static final class LevelChoice extends Choice<LogSettings.Level> {
        LevelChoice() {
            super(LogSettings.Level.class);
        }
    }

    static final class FormatChoice extends Choice<LogSettings.Format> {
        FormatChoice() {
            super(LogSettings.Format.class);
        }
    }
}
