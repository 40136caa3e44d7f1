package io.oauthmail.spring;

import io.oauthmail.account.Account;
import io.oauthmail.mail.MailSessions;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.store.TokenStore;
import io.oauthmail.token.RetryPolicy;
import io.oauthmail.token.TokenManager;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.mail.MailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * A {@link org.springframework.mail.javamail.JavaMailSender} whose every connection logs in to the account's SMTP
 * server with SASL XOAUTH2 or OAUTHBEARER and a fresh access token, refreshed ahead of expiry; a rotated refresh
 * token is saved in the token store before it is used. Configured by {@link OAuthMailProperties}.
 *
 * <p>Ordered before Spring Boot's own mail auto-configuration, which then backs off (it sets up a sender only when
 * there is none). Each bean can be replaced by declaring one of the same type. The bean named
 * {@value #CLOCK_BEAN}, if there is one, is the token manager's clock (tests move it instead of waiting an hour).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration")
@ConditionalOnBooleanProperty(name = "oauthmail.enabled", matchIfMissing = true)
@EnableConfigurationProperties(OAuthMailProperties.class)
public class OAuthMailAutoConfiguration {

    /** The name of an optional {@link Clock} bean for the token manager. */
    public static final String CLOCK_BEAN = "oauthMailClock";

    private static final Logger log = LoggerFactory.getLogger(OAuthMailAutoConfiguration.class);

    @Bean
    OAuthMailSetup oauthMailSetup(OAuthMailProperties properties, Environment environment) {
        return new OAuthMailSetup(properties, environment);
    }

    /** The account mail is sent from. */
    @Bean
    @ConditionalOnMissingBean
    public Account oauthMailAccount(OAuthMailSetup setup) {
        return setup.account();
    }

    /** The token store the {@code oauthmail} command uses too (so {@code oauthmail login} fills it). */
    @Bean
    @ConditionalOnMissingBean
    public TokenStore oauthMailTokenStore(OAuthMailSetup setup) {
        return setup.openStore();
    }

    /**
     * Refreshes tokens ahead of expiry, one refresh at a time per account across threads and processes. On
     * shutdown it waits for a refresh still under way: its answer may hold the only copy of a rotated refresh token.
     */
    @Bean(destroyMethod = "awaitRefreshesInFlight")
    @ConditionalOnMissingBean
    public TokenManager oauthMailTokenManager(TokenStore store, OAuthMailSetup setup,
            @Qualifier(CLOCK_BEAN) ObjectProvider<Clock> clock) {
        return new TokenManager(store, clock.getIfAvailable(Clock::systemUTC), setup.refreshMargin(),
                setup.tokenTimeout(), RetryPolicy.DEFAULT, Sleeper.SYSTEM);
    }

    /** Jakarta Mail sessions, transports and stores for the account, logged in with fresh tokens. */
    @Bean
    @ConditionalOnMissingBean
    public MailSessions oauthMailSessions(TokenManager tokens, OAuthMailProperties properties) {
        return new MailSessions(tokens, properties.timeout());
    }

    /**
     * Spring's sender over a Jakarta Mail session whose every connection logs in with a fresh token (a refused
     * token is refreshed once and the login tried again). Fails at startup when the account never logged in,
     * saying which command to run.
     */
    @Bean
    @ConditionalOnMissingBean(MailSender.class)
    public JavaMailSenderImpl mailSender(MailSessions sessions, Account account, TokenStore store, OAuthMailSetup setup) {
        setup.requireLoggedIn(account, store);
        JavaMailSenderImpl sender = new FreshTokenMailSender(sessions, account);
        log.info("oauthmail: mail is sent as {} through {} with OAuth tokens from {}", account.mailUser(),
                account.provider().smtp(), setup.storeDescription());
        return sender;
    }
}
