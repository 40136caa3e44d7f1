package io.oauthmail.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An {@code oauthmail} command for programs a test starts (mail programs' password commands, the test bed's
 * browser): this build's CLI from the test class path, through {@link Main} as the real launcher runs it, with
 * one {@code OAUTHMAIL_HOME}. Unlike {@code ./oauthmail} it never rebuilds the jar.
 */
public final class CliLauncher {

    private CliLauncher() {
    }

    /** Writes the script to {@code script} (owner-only, executable) and returns it. */
    public static Path write(Path script, String oauthmailHome) throws IOException {
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\nOAUTHMAIL_HOME='" + oauthmailHome + "' exec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '" + System.getProperty("java.class.path")
                + "' io.oauthmail.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
