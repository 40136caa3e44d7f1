package io.oauthmail.mail.rest;

import io.oauthmail.error.TemporaryFailure;
import io.oauthmail.oauth.Sleeper;
import io.oauthmail.token.RetryPolicy;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs an attempt again after a {@link TemporaryFailure}, by the same rules as {@code TokenManager}'s refresh,
 * so one {@link RetryPolicy} means the same thing everywhere: capped exponential backoff; a provider's
 * {@code Retry-After} replaces the computed delay; a {@code Retry-After} longer than the cap ends the retries
 * at once (the failure says how long to wait, and a mail client is not kept hanging for minutes).
 */
final class Retrying {

    private final RetryPolicy policy;
    private final Sleeper sleeper;

    Retrying(RetryPolicy policy, Sleeper sleeper) {
        this.policy = policy;
        this.sleeper = sleeper;
    }

    <T> T run(Supplier<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (TemporaryFailure e) {
                Duration wait = policy.waitBefore(n + 1, e).orElseThrow(() -> e);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
