package io.oauthmail.server.web;

import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.server.proxy.LoginThrottle;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The web console's admin password: kept as the proxy's local passwords are (a salted PBKDF2 hash in an owner-only
 * file, {@link LocalPasswords}), in a file of its own so that no mail client can log in with it, and checked under
 * the same {@link LoginThrottle} rules: each failure from an address spaces its next checks further apart.
 */
public final class AdminPassword {

    /** The one name in the file: the console has a single administrator. */
    private static final String ADMIN = "admin";

    private final Path file;
    private final LocalPasswords passwords;
    private final LoginThrottle throttle;

    AdminPassword(Path stateDir, Clock clock) {
        this.file = file(stateDir);
        this.passwords = new LocalPasswords(file);
        this.throttle = LoginThrottle.standard(clock);
    }

    /** Where the hash lives: the state folder, beside the proxy's local passwords. */
    public static Path file(Path stateDir) {
        return stateDir.resolve("web-admin-password");
    }

    /** Sets (or replaces) the admin password, as {@code oauthmail web set-password} does. */
    public static void set(Path stateDir, char[] password) {
        new LocalPasswords(file(stateDir)).set(ADMIN, password);
    }

    boolean isSet() {
        return Files.exists(file);
    }

    /**
     * True if {@code password} is the admin password. Waits the address's turn first (zero without recent
     * failures), as the proxy's logins do; a wrong password counts against the address.
     */
    boolean check(InetAddress from, char[] password) {
        Duration wait = throttle.beforeCheck(from);
        if (!wait.isZero()) {
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        boolean right = passwords.verify(ADMIN, password);
        if (!right) {
            throttle.failed(from);
        }
        return right;
    }
}
