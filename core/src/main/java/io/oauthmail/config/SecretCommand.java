package io.oauthmail.config;

import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Runs a user's secret command ({@code client_secret_cmd = "pass show google/oauthmail"}) and takes the first
 * line of its output. Its stderr goes to ours, so a gpg or pass prompt reaches the person; its output is never
 * repeated in an error message.
 */
public final class SecretCommand {

    private static final long TIMEOUT_SECONDS = 60;

    private SecretCommand() {
    }

    /** Runs {@code command} for {@code key} of {@code owner} (e.g. "account me@x", "client_secret_cmd"). */
    public static String run(String owner, String key, String command) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.INHERIT);
        try {
            Process process = builder.start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readNBytes(64 * 1024);
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw failure(owner, key, "did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw failure(owner, key, "exited with status " + process.exitValue());
            }
            String first = new String(output, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (first.isEmpty()) {
                throw failure(owner, key, "printed nothing");
            }
            return first;
        } catch (IOException e) {
            throw failure(owner, key, "could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(owner, key, "was interrupted");
        }
    }

    private static OAuthMailException failure(String owner, String key, String what) {
        return new OAuthMailException(owner + ": " + key + " " + what,
                "run the command by hand to see why, or fix it in the config file");
    }
}
