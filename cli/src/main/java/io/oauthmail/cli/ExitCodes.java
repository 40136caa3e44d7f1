package io.oauthmail.cli;

/**
 * The exit codes of every oauthmail command, as documented in the README. Scripts may rely on them.
 */
public final class ExitCodes {

    /** It worked. */
    public static final int OK = 0;
    /** It did not work, for a reason not listed below (a demo step that failed, a mail server's refusal). */
    public static final int FAILED = 1;
    /** The command line was wrong: unknown command or option, missing argument. */
    public static final int USAGE = 2;
    /** The account must be authorized again: run {@code oauthmail login ACCOUNT}. */
    public static final int REAUTHORIZE = 3;
    /** A temporary failure (network, provider 5xx or 429): trying again later may work. */
    public static final int TEMPORARY = 4;
    /**
     * A login flow did not complete (declined, timed out, state mismatch, another person than the configured address,
     * the provider refused a login request); nothing was stored.
     */
    public static final int AUTHORIZATION_FAILED = 5;

    private ExitCodes() {
    }
}
