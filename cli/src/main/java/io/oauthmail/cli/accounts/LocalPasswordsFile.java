package io.oauthmail.cli.accounts;

import io.oauthmail.cli.CliContext;
import java.nio.file.Path;

/** Where the proxy's local password hashes live: the state folder, beside the daemon's socket. */
public final class LocalPasswordsFile {

    private LocalPasswordsFile() {
    }

    public static Path of(CliContext context) {
        return context.paths().stateDir().resolve("local-passwords");
    }
}
