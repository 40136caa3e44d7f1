package io.oauthmail.spring;

import io.oauthmail.error.OAuthMailException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Shows an oauthmail failure at startup as Spring Boot shows its own: what is wrong (which property, which
 * account) and what to do (the property to set, or the {@code oauthmail} command to run), instead of a stack of
 * bean creation exceptions. oauthmail's messages and hints never hold a secret.
 */
class OAuthMailFailureAnalyzer extends AbstractFailureAnalyzer<OAuthMailException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, OAuthMailException cause) {
        String action = cause.hint().filter(hint -> !hint.isBlank())
                .map(hint -> Character.toUpperCase(hint.charAt(0)) + hint.substring(1) + (hint.endsWith(".") ? "" : "."))
                .orElse("Check the oauthmail.* properties (see the oauthmail README, section Spring Boot).");
        String description = cause.getMessage().startsWith("oauthmail") ? cause.getMessage() : "oauthmail: " + cause.getMessage();
        return new FailureAnalysis(description, action, cause);
    }
}
