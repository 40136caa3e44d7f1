package io.oauthmail.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * A misconfigured application stops at startup with Spring Boot's failure report: what is wrong, naming the
 * property, and what to set or run. Never a client secret in it.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterFailureTest {

    private static final String SECRET = "s3cret-client-secret-value";
    private static Sandbox sandbox;
    private static Path home;
    private static Path config;

    @BeforeAll
    static void start(@TempDir Path dir) {
        sandbox = Sandbox.start();
        home = dir;
        config = StarterFixture.config(sandbox, home, "alice@sandbox.test");
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void withoutAnAccountTheReportSaysWhichPropertyToSet(CapturedOutput output) {
        failsToStart(Map.of("oauthmail.config", config.toString()));
        assertThat(report(output)).contains("no oauthmail account is configured (oauthmail.account is not set)")
                .contains("Set oauthmail.account to an account of your oauthmail config");
    }

    @Test
    void anAccountThatNeverLoggedInIsToldTheLoginCommand(CapturedOutput output) {
        // alice is in the config file, but no tokens were ever stored for her
        failsToStart(StarterFixture.configured(config, home.resolve("empty-store"), "alice@sandbox.test"));
        assertThat(report(output)).contains("account alice@sandbox.test has never logged in")
                .contains("Run: `oauthmail login alice@sandbox.test` once");
    }

    @Test
    void anAccountMissingFromTheConfigFileIsNamedWithTheFile(CapturedOutput output) {
        failsToStart(StarterFixture.configured(config, home.resolve("tokens"), "carol@sandbox.test"));
        assertThat(report(output)).contains("oauthmail.account: no account named carol@sandbox.test in " + config)
                .contains("oauthmail accounts add carol@sandbox.test");
    }

    @Test
    void aConfigFileThatIsNotThereIsNamed(CapturedOutput output) {
        Path missing = home.resolve("nowhere.toml");
        failsToStart(StarterFixture.configured(missing, home.resolve("tokens"), "alice@sandbox.test"));
        assertThat(report(output)).contains("oauthmail.config: there is no oauthmail config file at " + missing)
                .contains("Set oauthmail.config to the config.toml that has the account");
    }

    @Test
    void anInlineAccountWithoutAClientIdNamesThePropertyAndNeverTheSecret(CapturedOutput output) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("oauthmail.provider", "google");
        properties.put("oauthmail.email", "me@example.com");
        properties.put("oauthmail.client-secret", SECRET);
        failsToStart(properties);
        assertThat(report(output)).contains("oauthmail.client-id").contains("Set oauthmail.client-id");
        assertThat(output.getAll()).doesNotContain(SECRET);
    }

    @Test
    void anUnknownProviderIsReportedBySpringBootWithTheValidOnes(CapturedOutput output) {
        failsToStart(Map.of("oauthmail.provider", "gogle", "oauthmail.client-secret", SECRET));
        assertThat(report(output)).contains("oauthmail.provider").contains("GOOGLE").contains("MICROSOFT");
        assertThat(output.getAll()).doesNotContain(SECRET);
    }

    @Test
    void turnedOffTheStarterSetsNothingUp() {
        try (ConfigurableApplicationContext app = StarterFixture.run(Map.of("oauthmail.enabled", "false"), null)) {
            assertThat(app.getBeanNamesForType(JavaMailSender.class)).isEmpty();
        }
    }

    private static void failsToStart(Map<String, Object> properties) {
        assertThatThrownBy(() -> StarterFixture.run(properties, null).close()).isInstanceOf(RuntimeException.class);
    }

    /** Spring Boot's failure report, from its banner on: what a user sees, rather than the exception's chain. */
    private static String report(CapturedOutput output) {
        String all = output.getAll();
        int start = all.lastIndexOf("APPLICATION FAILED TO START");
        assertThat(start).as("a failure report in:\n" + all).isNotNegative();
        String report = all.substring(start);
        assertThat(report).contains("Description:").contains("Action:");
        return report;
    }
}
