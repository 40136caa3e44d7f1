package io.oauthmail.cli;

import io.oauthmail.error.AuthorizationFailed;
import io.oauthmail.error.MailFailure;
import io.oauthmail.error.ReauthorizationRequired;
import io.oauthmail.error.TemporaryFailure;
import picocli.CommandLine.ParameterException;

/**
 * The exit codes of every oauthmail command, as documented in the README (one table there, one mapping here:
 * {@link #of}). Scripts may rely on them.
 */
public final class ExitCodes {

    /** It worked. */
    public static final int OK = 0;
    /** It did not work, for a reason not listed below (a demo step that failed, a mail server's refusal). */
    public static final int FAILED = 1;
    /** The command line was wrong: unknown command or option, a value not accepted, missing or conflicting options. */
    public static final int USAGE = 2;
    /** The account must be authorized again: run {@code oauthmail login ACCOUNT}. */
    public static final int REAUTHORIZE = 3;
    /** A temporary failure (network, a mail server not reachable, provider 5xx or 429): trying again later may work. */
    public static final int TEMPORARY = 4;
    /**
     * A login flow did not complete (declined, timed out, state mismatch, another person than the configured address,
     * the provider refused a login request); nothing was stored.
     */
    public static final int AUTHORIZATION_FAILED = 5;

    private ExitCodes() {
    }

    /**
     * The exit code for a command that ended with {@code e}: the only place a failure becomes a code, for
     * picocli's usage errors as for the commands' own failures.
     */
    public static int of(Throwable e) {
        if (e instanceof ParameterException) {
            return USAGE;
        }
        if (e instanceof ReauthorizationRequired) {
            return REAUTHORIZE;
        }
        if (e instanceof TemporaryFailure || (e instanceof MailFailure mail && mail.networkTrouble())) {
            return TEMPORARY;
        }
        if (e instanceof AuthorizationFailed) {
            return AUTHORIZATION_FAILED;
        }
        return FAILED;
    }
}
