package io.oauthmail.error;

import java.util.Optional;

/**
 * The root of every failure oauthmail reports. Each carries a message for a person (which account, what
 * failed) and, where one exists, a hint: the exact command or step that fixes it. Messages never contain
 * tokens, secrets or passwords.
 */
public class OAuthMailException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String hint;

    public OAuthMailException(String message, String hint) {
        this(message, hint, null);
    }

    public OAuthMailException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** What to do about it, e.g. {@code run: oauthmail login work@corp.com}. */
    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }

    /**
     * The message and, in parentheses, the hint: one line to show a person, e.g. {@code account work needs to be
     * authorized again: ... (run: oauthmail login work)}. Like the message, it never holds a secret.
     */
    public String messageWithHint() {
        return hint == null ? getMessage() : getMessage() + " (" + hint + ")";
    }

    /**
     * With the hint, so that a stack trace, or a logger given the exception, shows the fix too and not only the
     * failure: a program that only logs what it caught still tells its operator what to run.
     */
    @Override
    public String toString() {
        return getClass().getName() + ": " + messageWithHint();
    }
}
