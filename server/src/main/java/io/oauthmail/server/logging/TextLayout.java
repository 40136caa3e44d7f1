package io.oauthmail.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;

/**
 * The text format: {@code 2026-11-26T12:10:16.742Z WARN  LoginCheck - oauthmail: local login failed ...}, the time
 * left out under journald. What Logback's {@code PatternLayout} would print for
 * {@code %d{ISO8601} %-5level %logger{0} - %msg%n}, written out by hand on purpose: the pattern layout registers some
 * hundred converters when first used, which measured 0.3 s of CPU on a cold start of every command that logs
 * (oauthmail login, serve); this is one method.
 */
final class TextLayout extends LayoutBase<ILoggingEvent> {

    private final boolean withTime;

    TextLayout(boolean withTime) {
        this.withTime = withTime;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        if (withTime) {
            line.append(Instant.ofEpochMilli(event.getTimeStamp())).append(' ');
        }
        String level = event.getLevel().toString();
        line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ").append(event.getFormattedMessage())
                .append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }
}
