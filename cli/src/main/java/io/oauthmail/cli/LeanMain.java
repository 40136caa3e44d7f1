package io.oauthmail.cli;

import io.oauthmail.cli.token.TokenFastPath;
import java.util.Map;

/**
 * The entry point of {@code oauthmail-lean.jar}, whose class path holds only the few jars the lean path of
 * {@code oauthmail token} loads. The launcher tries it first: it prints a cached token, or it prints nothing, does
 * nothing and exits with {@link #HAND_OVER}, and the launcher runs {@link Main} on the full class path, which answers
 * every other case with its messages and exit codes.
 *
 * <p>Why a class path of its own: the first {@code Cipher} of a JVM initialises {@code JceSecurity}, whose first
 * {@code http:} URL makes the JDK look for URL stream handler providers in every jar of the class path; over the
 * sixty jars of the CLI's class path that was some 30 ms of a 110 ms run. No lambdas, as in {@link Main}.
 */
public final class LeanMain {

    /**
     * The lean path declined: run the full command. The launcher treats any code but {@link ExitCodes#OK} so; this
     * one says it in words to someone who ran this class by hand.
     */
    static final int HAND_OVER = ExitCodes.FAILED;

    private LeanMain() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        boolean answered;
        try {
            answered = TokenFastPath.tryRun(args, System.out, env);
        } catch (LinkageError | RuntimeException e) {
            // A class outside this class path, or a failure the full command reports properly (it runs the lean
            // path again first, on the full class path): nothing is printed here, so the hand-over stays clean.
            answered = false;
        }
        if (!answered && env.get(ProcessExit.EXIT_FILE) == null) {
            System.err.println("oauthmail: this entry point answers only `oauthmail token ACCOUNT` with a cached token;"
                    + " run the full command: oauthmail " + String.join(" ", args));
        }
        ProcessExit.exit(answered ? ExitCodes.OK : HAND_OVER, env, null);
    }
}
