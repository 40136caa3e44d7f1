package io.oauthmail.spring;

import io.oauthmail.account.Account;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.sandbox.Sandbox;
import io.oauthmail.store.EncryptedFileStore;
import io.oauthmail.store.TokenStore;
import io.oauthmail.testing.SandboxAccounts;
import io.oauthmail.testing.SandboxLogins;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * What a user of the starter has: an oauthmail config file with an account at the sandbox, that account logged
 * in (tokens in a token folder), and a Spring Boot application started with {@code oauthmail.*} properties.
 */
final class StarterFixture {

    /** An application with nothing but auto-configuration, as a user's {@code @SpringBootApplication}. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class MailApplication {
    }

    /** The sandbox user the applications send as, to bob. */
    static final String ALICE = "alice@sandbox.test";

    private StarterFixture() {
    }

    /** Sends a plain text message with {@code subject} from alice to bob, through the application's sender. */
    static void sendSimple(ConfigurableApplicationContext app, String subject) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(ALICE);
        message.setTo("bob@sandbox.test");
        message.setSubject(subject);
        message.setText("sent by a Spring Boot application");
        app.getBean(JavaMailSender.class).send(message);
    }

    /**
     * Writes {@code home/config.toml} with {@code user}'s account at the sandbox, as {@code oauthmail accounts add
     * ... --provider custom} would; returns the file.
     */
    static Path config(Sandbox sandbox, Path home, String user) {
        Path file = home.resolve("config.toml");
        ConfigWriter.putAccount(file, new AccountSettings(user, "custom", null, null, Sandbox.CLIENT_ID, null, null, user,
                List.of("openid", "email", Sandbox.MAIL_SCOPE), null, null, sandbox.submission() + ":starttls",
                sandbox.caFile().toString(), null, null, sandbox.authorizationEndpoint().toString(),
                sandbox.tokenEndpoint().toString(), null, null, null, null, null));
        return file;
    }

    /** Logs {@code user} in through the sandbox's browser, as {@code oauthmail login} would; returns the store. */
    static TokenStore logIn(Sandbox sandbox, Path tokenDir, String user) {
        Account account = SandboxAccounts.account(sandbox, user);
        TokenStore store = EncryptedFileStore.openWithKeyFile(tokenDir);
        store.save(user, SandboxLogins.login(sandbox, account).tokens());
        return store;
    }

    /** The properties of an application sending as {@code user} from the config file, tokens in {@code tokenDir}. */
    static Map<String, Object> configured(Path config, Path tokenDir, String user) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("oauthmail.config", config.toString());
        properties.put("oauthmail.account", user);
        properties.put("oauthmail.store.dir", tokenDir.toString());
        return properties;
    }

    /** Starts the application; with {@code clock}, the token manager's clock. */
    static ConfigurableApplicationContext run(Map<String, Object> properties, Clock clock) {
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.put("spring.main.banner-mode", "off");
        SpringApplicationBuilder app = new SpringApplicationBuilder(MailApplication.class)
                .web(WebApplicationType.NONE).properties(all);
        if (clock != null) {
            app.initializers(context -> context.getBeanFactory()
                    .registerSingleton(OAuthMailAutoConfiguration.CLOCK_BEAN, clock));
        }
        return app.run();
    }
}
