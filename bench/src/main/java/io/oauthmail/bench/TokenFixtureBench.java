package io.oauthmail.bench;

import io.oauthmail.sandbox.Sandbox;
import java.nio.file.Path;

/**
 * Not a measurement: prepares an OAUTHMAIL_HOME (argument 1) with account alice@sandbox.test logged in and a
 * token valid for an hour, then stops the sandbox. {@code oauthmail token} on it needs no network, which is
 * what the start-up measurement of {@code oauthmail token} times.
 */
public final class TokenFixtureBench {

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        try (Sandbox sandbox = Sandbox.start()) {
            new SandboxHome(sandbox, home, "alice@sandbox.test");
        }
        System.out.println("OAUTHMAIL_HOME=" + home + " oauthmail token alice@sandbox.test");
    }
}
