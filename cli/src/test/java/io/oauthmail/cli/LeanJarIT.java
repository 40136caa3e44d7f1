package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.account.TokenSet;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.store.EncryptedFileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code target/oauthmail-lean.jar} (cli/pom.xml), which the launcher runs {@code oauthmail token} on first:
 * its class path names jars that {@code lib/} has, and is enough for every answer of the lean path, since a class
 * missing there would only show as a hand-over (slower, never wrong). Runs after {@code package}, in JVMs of its own.
 */
class LeanJarIT {

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path LEAN = TARGET.resolve("oauthmail-lean.jar");

    @TempDir
    Path home;

    private record Run(int exit, String out, String err, String exitFile) {
    }

    @BeforeEach
    void setUp() throws IOException {
        ConfigWriter.putAccount(home.resolve("config.toml"), new AccountSettings("me", "google", null, null, "client", null,
                null, "me@gmail.com", List.of(), null, null, null, null, null, null, null, null, null, null, null, null, null));
        EncryptedFileStore.openWithKeyFile(home.resolve("tokens")).save("me",
                new TokenSet("cached-token", Instant.now().plusSeconds(3600), "refresh", Instant.now(), List.of(), null));
    }

    @Test
    void itsClassPathIsAFewJarsThatLibHasAndTheFullClassPathNamesToo() throws IOException {
        List<String> lean = classPath(LEAN);
        List<String> full = classPath(TARGET.resolve("oauthmail.jar"));
        assertThat(lean).as("the lean class path").isNotEmpty().hasSizeLessThan(10)
                .anyMatch(jar -> jar.startsWith("lib/oauthmail-core-"));
        assertThat(full).containsAll(lean);
        for (String jar : lean) {
            assertThat(TARGET.resolve(jar)).as("a jar of the lean class path").isRegularFile();
        }
    }

    @Test
    void answersEveryFormOfTheLeanPathOnItsOwnClassPath() throws Exception {
        Run bare = lean("token", "me");
        assertThat(bare.out()).as(bare.err()).isEqualTo("cached-token\n");
        assertThat(bare.exit()).isZero();
        assertThat(bare.exitFile()).isEqualTo("0");

        // The SASL forms read the config with the TOML parser: its jars are on the lean class path too.
        Run sasl = lean("token", "me", "--format", "xoauth2", "--base64");
        assertThat(sasl.exitFile()).as(sasl.err()).isEqualTo("0");
        assertThat(new String(Base64.getDecoder().decode(sasl.out().strip()), StandardCharsets.UTF_8))
                .isEqualTo("user=me@gmail.com\u0001auth=Bearer cached-token\u0001\u0001");
    }

    @Test
    void handsOverWhatItDoesNotAnswerHavingPrintedNothing() throws Exception {
        for (String[] args : List.of(new String[] {"token", "nobody"}, new String[] {"token", "me", "--format", "bogus"},
                new String[] {"accounts", "list"})) {
            Run run = lean(args);
            assertThat(run.exitFile()).as(Arrays.toString(args)).isEqualTo(Integer.toString(LeanMain.HAND_OVER));
            assertThat(run.out()).as(Arrays.toString(args)).isEmpty();
            assertThat(run.err()).as(Arrays.toString(args)).isEmpty();
        }
    }

    /** LeanMain on the lean jar alone, as the launcher runs it (with the exit file). */
    private Run lean(String... args) throws Exception {
        Path exitFile = Files.createTempFile(home, "exit", null);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", LEAN.toString(), LeanMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("OAUTHMAIL_HOME", home.toString());
        builder.environment().put("HOME", home.toString());
        builder.environment().put(ProcessExit.EXIT_FILE, exitFile.toString());
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err, Files.readString(exitFile).strip());
    }

    private static List<String> classPath(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return List.of(file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH).split(" "));
        }
    }
}
