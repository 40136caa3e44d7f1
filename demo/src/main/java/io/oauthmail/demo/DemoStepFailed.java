package io.oauthmail.demo;

import io.oauthmail.error.OAuthMailException;

/** A demo step did not verify what it claims: the message names the step and what was seen instead. */
final class DemoStepFailed extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    DemoStepFailed(String step, String what, Throwable cause) {
        super("demo step '" + step + "' failed: " + what, null, cause);
    }
}
