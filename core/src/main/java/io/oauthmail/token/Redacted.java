package io.oauthmail.token;

/**
 * How a secret is shown to a person when it must be mentioned at all: its kind and length, never its value.
 * JWTs are recognised by their header so a reader can tell them from opaque tokens.
 */
public final class Redacted {

    private Redacted() {
    }

    /** e.g. {@code <redacted JWT, 612 chars>} or {@code <redacted, 40 chars>}. */
    public static String token(String secret) {
        if (secret == null) {
            return "<none>";
        }
        return secret.startsWith("eyJ") && secret.chars().filter(c -> c == '.').count() == 2
                ? "<redacted JWT, " + secret.length() + " chars>"
                : "<redacted, " + secret.length() + " chars>";
    }
}
