package io.oauthmail.cli;

import io.oauthmail.cli.token.TokenFastPath;

/**
 * The entry point. Tries the lean path of {@code oauthmail token} first, from a class that uses no lambdas:
 * the first lambda in a JVM spins classes at run time (some 40 ms here), and that command runs on every mail
 * client login. Everything else goes to {@link OAuthMailCli}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (TokenFastPath.tryRun(args, System.out, System.getenv())) {
            ProcessExit.exit(ExitCodes.OK, System.getenv(), null);
        }
        OAuthMailCli.main(args);
    }
}
