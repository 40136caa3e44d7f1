package io.oauthmail.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.oauthmail.config.LogSettings;

/**
 * Logback's configuration at start, found through {@code META-INF/services}: warnings and errors as text on stderr
 * (a command's own output stays clean), or the level {@code OAUTHMAIL_LOG_LEVEL} names. {@code oauthmail serve}
 * then sets its own level and format with {@link DaemonLogging#apply}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    /** Called by Logback's service loader. */
    public DefaultLogging() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        LogSettings.Level level = DaemonLogging.fromEnvironment(System.getenv()).orElse(LogSettings.Level.WARN);
        DaemonLogging.apply(context, level, LogSettings.Format.TEXT, DaemonLogging.STDERR, System.getenv("JOURNAL_STREAM") != null);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
