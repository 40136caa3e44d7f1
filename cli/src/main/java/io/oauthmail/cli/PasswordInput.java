package io.oauthmail.cli;

import io.oauthmail.error.OAuthMailException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A new password as the commands that set one read it: asked twice on the terminal (not echoed), else the first
 * line of stdin, so a password manager can pipe it in. Never an argument, which {@code ps} would show.
 */
public final class PasswordInput {

    private PasswordInput() {
    }

    /**
     * @param what    what is asked for, e.g. "local password"
     * @param example the piped command line for the hint when stdin is empty
     */
    public static char[] read(CliContext context, String what, String example) {
        Console console = System.console();
        if (console != null && context.in() == System.in) {
            char[] first = console.readPassword("New " + what + ": ");
            char[] again = console.readPassword("Again: ");
            if (first == null || !Arrays.equals(first, again)) {
                throw new OAuthMailException("the two passwords differ; nothing was changed", null);
            }
            return first;
        }
        try {
            String line = new BufferedReader(new InputStreamReader(context.in(), StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new OAuthMailException("no password on stdin", example);
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new OAuthMailException("cannot read the password: " + e.getMessage(), null, e);
        }
    }
}
