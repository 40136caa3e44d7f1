package io.oauthmail.server;

import io.oauthmail.account.Account;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the refresher's events into log lines and the user's commands from {@code [serve]}:
 * {@code on_reauth_needed}, {@code on_error}, {@code on_token_refreshed}, {@code on_warning}. A command runs
 * with {@code /bin/sh -c} and gets the event in its environment: {@code OAUTHMAIL_EVENT},
 * {@code OAUTHMAIL_ACCOUNT}, {@code OAUTHMAIL_MESSAGE}, and {@code OAUTHMAIL_FIX} (the command to run, for
 * a lost grant). Never a token. A warning is sent once per account and message, not every refresh.
 */
final class Notifier implements Events {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private volatile Map<String, String> hooks;
    private final Map<String, String> warned = new ConcurrentHashMap<>();

    public Notifier(Map<String, String> hooks) {
        this.hooks = Map.copyOf(hooks);
    }

    /** The hooks of a reloaded configuration; warnings already sent are not sent again. */
    public void useHooks(Map<String, String> newHooks) {
        this.hooks = Map.copyOf(newHooks);
    }

    @Override
    public void tokenRefreshed(Account account, Instant expiresAt) {
        // One line per refresh and outcome; the key-value pairs are the fields of --log-format json.
        LOG.atInfo().addKeyValue("event", "token_refresh").addKeyValue("account", account.name()).addKeyValue("outcome", "ok")
                .addKeyValue("expires_at", expiresAt).log("{}: access token refreshed, valid until {}", account.name(), expiresAt);
        run("on_token_refreshed", account, "access token refreshed, valid until " + expiresAt, null);
    }

    @Override
    public void error(Account account, String message, Instant retryAt) {
        LOG.atWarn().addKeyValue("event", "token_refresh").addKeyValue("account", account.name())
                .addKeyValue("outcome", "temporary_failure").addKeyValue("retry_at", retryAt)
                .log("{}: {} (trying again at {})", account.name(), message, retryAt);
        run("on_error", account, message, null);
    }

    @Override
    public void reauthorizationNeeded(Account account, String message, String fixCommand) {
        LOG.atError().addKeyValue("event", "token_refresh").addKeyValue("account", account.name())
                .addKeyValue("outcome", "reauthorization_required").log("{}: {}; run: {}", account.name(), message, fixCommand);
        run("on_reauth_needed", account, message, fixCommand);
    }

    @Override
    public void warning(Account account, String message) {
        if (message.equals(warned.put(account.name(), message))) {
            return;
        }
        LOG.warn("{}: {}", account.name(), message);
        run("on_warning", account, message, null);
    }

    private void run(String hook, Account account, String message, String fix) {
        String command = hooks.get(hook);
        if (command == null) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("OAUTHMAIL_EVENT", hook.substring("on_".length()));
        builder.environment().put("OAUTHMAIL_ACCOUNT", account.name());
        builder.environment().put("OAUTHMAIL_MESSAGE", message);
        if (fix != null) {
            builder.environment().put("OAUTHMAIL_FIX", fix);
        }
        try {
            builder.start(); // not waited for: a slow notification must not hold up refreshing
        } catch (IOException e) {
            LOG.warn("{}: the {} command could not be started: {}", account.name(), hook, e.getMessage());
        }
    }
}
