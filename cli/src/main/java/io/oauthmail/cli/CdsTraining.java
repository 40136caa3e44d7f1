package io.oauthmail.cli;

import io.oauthmail.account.TokenSet;
import io.oauthmail.cli.token.TokenFastPath;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.store.EncryptedFileStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run for the class-data-sharing archive the {@code ./oauthmail} launcher makes after a build
 * ({@code -XX:ArchiveClassesAtExit}): it walks the start-up path of {@code oauthmail token} (config, store,
 * AES-GCM, picocli, the SASL formats) in a throw-away home, offline, so the archive holds exactly the
 * classes that command needs. Mail, OAuth flows and the sandbox are left out on purpose.
 *
 * <p>{@code --lean} trains the lean path alone: the launcher's ahead-of-time cache on JDK 24+. With picocli's path in
 * the training, Temurin 25.0.3 fails to assemble a cache with AOT-linked invokedynamic (a JVM guarantee failure, and
 * an empty file); without that linking the lean path ran no faster than with the JDK 17 archive.
 *
 * <p>{@code --prepare HOME} then {@code --lean HOME}: the launcher makes the throw-away home in a JVM of its own, so
 * that the recorded run holds the lean path's classes only. A JDK 24+ cache loads every class it holds at start-up:
 * without the writing side (the config writer, sealing, Jackson's generator) a cached token came some 10 % sooner
 * (paired, JDK 25).
 */
public final class CdsTraining {

    private CdsTraining() {
    }

    private static final String ACCOUNT = "training@example.com";

    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("--prepare")) {
            prepare(Path.of(args[1]));
            return;
        }
        if (args.length == 2 && args[0].equals("--lean")) {
            lean(Path.of(args[1]));
            return;
        }
        Path home = Files.createTempDirectory("oauthmail-cds-");
        try {
            prepare(home);
            lean(home);
            if (args.length > 0 && args[0].equals("--lean")) {
                return;
            }
            // Then the full command, for the forms the lean path hands over.
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            for (String[] line : List.of(new String[] {"token", ACCOUNT},
                    new String[] {"token", ACCOUNT, "--format", "xoauth2", "--base64"},
                    new String[] {"token", ACCOUNT, "--format", "oauthbearer"})) {
                int exit = OAuthMailCli.run(line, sink, sink, InputStream.nullInputStream(), env(home));
                if (exit != 0) {
                    throw new IllegalStateException("training run of " + String.join(" ", line) + " failed with " + exit);
                }
            }
        } finally {
            try (Stream<Path> paths = Files.walk(home)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A throw-away home with one account and a token valid for an hour. */
    private static void prepare(Path home) throws IOException {
        Files.createDirectories(home);
        ConfigWriter.putAccount(home.resolve("config.toml"), new AccountSettings(ACCOUNT, "google", null, null,
                "training.apps.googleusercontent.com", null, null, ACCOUNT, List.of(), null, null, null, null, null,
                null, null, null, null, null, null, null, null));
        EncryptedFileStore.openWithKeyFile(home.resolve("tokens")).save(ACCOUNT, new TokenSet("training-token",
                Instant.now().plusSeconds(3600), "training-refresh", Instant.now(), List.of(), null));
    }

    /** The lean path (what Main runs first): the bare token of passwordeval and PassCmd, and a SASL form. */
    private static void lean(Path home) {
        for (String[] line : List.of(new String[] {"token", ACCOUNT},
                new String[] {"token", ACCOUNT, "--format", "xoauth2", "--base64"})) {
            if (!TokenFastPath.tryRun(line, new PrintStream(OutputStream.nullOutputStream()), env(home))) {
                throw new IllegalStateException("the training run of the lean token path did not take " + String.join(" ", line));
            }
        }
    }

    private static Map<String, String> env(Path home) {
        return Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString());
    }
}
