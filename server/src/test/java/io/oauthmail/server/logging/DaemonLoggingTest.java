package io.oauthmail.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.config.LogSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** The three shapes of a log line, on a Logback context of the test's own (the process's stays as it is). */
class DaemonLoggingTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    DaemonLoggingTest() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // SLF4J sets it on the process's context
        context.start();
    }

    private String logged(LogSettings.Level level, LogSettings.Format format, boolean journald) {
        DaemonLogging.apply(context, level, format, out, journald);
        Logger log = context.getLogger("io.oauthmail.server.Notifier");
        log.debug("a decision");
        log.atInfo().addKeyValue("account", "work").addKeyValue("outcome", "ok").log("work: access token refreshed");
        context.getLogger("io.netty.handler.ssl.SslHandler").info("a library's chatter");
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textHasTheTimeLevelAndLoggerUnlessJournaldStampsTheLineItself() {
        assertThat(logged(LogSettings.Level.INFO, LogSettings.Format.TEXT, false))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z INFO  Notifier - work: access token refreshed\\R");
        out.reset();
        assertThat(logged(LogSettings.Level.DEBUG, LogSettings.Format.TEXT, true))
                .as("debug is oauthmail's own: other libraries stay at warn")
                .isEqualTo("DEBUG Notifier - a decision" + System.lineSeparator()
                        + "INFO  Notifier - work: access token refreshed" + System.lineSeparator());
    }

    @Test
    void jsonIsOneObjectPerLineWithTheKeyValuePairs() throws Exception {
        String text = logged(LogSettings.Level.WARN, LogSettings.Format.JSON, false);
        assertThat(text).as("nothing below warn").isEmpty();
        text = logged(LogSettings.Level.INFO, LogSettings.Format.JSON, false);
        assertThat(text.split("\n")).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(text);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("io.oauthmail.server.Notifier");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("work: access token refreshed");
        assertThat(line.path("kvpList").toString()).contains("\"account\":\"work\"").contains("\"outcome\":\"ok\"");
        assertThat(line.has("threadName")).as("no noise").isFalse();
    }
}
