package io.oauthmail.sandbox;

/**
 * One HTTP POST that reached the sandbox's token endpoint, as the wire saw it: a client that silently re-sends
 * a request (as the JDK's HttpURLConnection does with a POST whose connection dropped) shows up twice.
 *
 * @param grantType the form's {@code grant_type}, or "" if it had none
 * @param receivedAtNanos {@link System#nanoTime()} when the whole request had been read
 * @param status the HTTP status answered, or 0 if no answer was sent (hung, dropped, or still in progress)
 * @param answeredAtNanos {@link System#nanoTime()} right after the answer's last byte was written to the
 *     socket, or null if no answer was sent: a crash harness in the same JVM compares it with the moment a
 *     client died, to know whether the client outlived the answer
 */
public record TokenEndpointPost(String grantType, long receivedAtNanos, int status, Long answeredAtNanos) {

    /** Whether an answer was written. */
    public boolean answered() {
        return answeredAtNanos != null;
    }
}
