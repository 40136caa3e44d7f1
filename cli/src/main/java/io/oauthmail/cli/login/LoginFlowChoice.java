package io.oauthmail.cli.login;

import io.oauthmail.cli.Choice;

/**
 * The flows {@code login --flow} can run for a person. An enum, so picocli refuses other values as usage errors;
 * app-only accounts take their flow from the config, never from this option.
 */
enum LoginFlowChoice {
    BROWSER, PASTE, DEVICE;

    @Override
    public String toString() {
        return Choice.typed(this);
    }

    static final class Converter extends Choice<LoginFlowChoice> {
        Converter() {
            super(LoginFlowChoice.class);
        }
    }
}
