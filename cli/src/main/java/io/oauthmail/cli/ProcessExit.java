package io.oauthmail.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the {@code oauthmail} process ends. Two promises meet here: a mail program's password command must get
 * its answer within the token timeout, and a refresh whose request has reached the provider must not be dropped
 * (its answer may carry the only copy of a rotated refresh token; a provider with reuse detection ends the whole
 * session when the old one is presented again).
 *
 * <p>So the launcher runs {@code oauthmail token} in the background with {@code OAUTHMAIL_EXIT_FILE} set and reads
 * its standard output until it is closed. Here the exit code is written to that file, standard output and error
 * are closed (the launcher then answers the mail program and exits), and only then does this process wait for any
 * refresh still out, and save what it brings. Without the launcher's file (a JVM started by hand, a test) the
 * process exits at once: the timeout wins. No lambdas: {@link Main} calls this on the lean path.
 */
final class ProcessExit {

    static final String EXIT_FILE = "OAUTHMAIL_EXIT_FILE";

    private ProcessExit() {
    }

    /** Ends the process with {@code code}, first waiting for {@code background} if the launcher can let it run. */
    static void exit(int code, Map<String, String> env, Runnable background) {
        String file = env.get(EXIT_FILE);
        if (file != null && !file.isEmpty()) {
            try {
                Files.writeString(Path.of(file), Integer.toString(code), StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                // the launcher then reports a failure: better than a success it cannot vouch for
            }
            System.out.flush();
            System.err.flush();
            System.out.close(); // the launcher's read ends here, and with it the mail program's wait
            System.err.close();
            if (background != null) {
                background.run();
            }
        }
        System.exit(code);
    }
}
