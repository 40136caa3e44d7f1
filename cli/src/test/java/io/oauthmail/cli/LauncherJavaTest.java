package io.oauthmail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.oauthmail.account.TokenSet;
import io.oauthmail.config.AccountSettings;
import io.oauthmail.config.ConfigWriter;
import io.oauthmail.store.EncryptedFileStore;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./oauthmail} launcher's choice of Java and its class archives: an explicit JAVA_HOME wins over a
 * newer JDK, the Java 17 floor holds, and a damaged class archive (CDS on 17-23, the AOT cache on 24+) neither fails
 * {@code oauthmail token} nor puts anything but the token on stdout.
 */
class LauncherJavaTest {

    private static final Path LAUNCHER = Path.of("..", "oauthmail").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    private Path home;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        ConfigWriter.putAccount(home.resolve("config.toml"), new AccountSettings("me", "google", null, null, "client", null,
                null, "me@gmail.com", List.of(), null, null, null, null, null, null, null, null, null, null, null, null, null));
        EncryptedFileStore.openWithKeyFile(home.resolve("tokens")).save("me",
                new TokenSet("cached-token", Instant.now().plusSeconds(3600), "refresh", Instant.now(), List.of(), null));
    }

    private Run launcher(Path script, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("OAUTHMAIL_HOME", home.toString(), "HOME", home.toString(), "TMPDIR", dir.toString()));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), out, err);
    }

    /** A "JDK" whose java says who it is, and writes the exit code the launcher waits for. */
    private Path fakeJdk(String version) throws IOException {
        Path jdk = dir.resolve("fake-jdk-" + version);
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho fake-java-" + version + "\n"
                + "[ -n \"$OAUTHMAIL_EXIT_FILE\" ] && echo 0 > \"$OAUTHMAIL_EXIT_FILE\"\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + ".0.1\"\n");
        return jdk;
    }

    @Test
    void anExplicitJavaHomeWinsOverANewerJdkAndJava17IsTheFloor() throws Exception {
        Path newer = fakeJdk("99");
        Map<String, String> env = new HashMap<>(Map.of("PATH", newer.resolve("bin") + ":/usr/bin:/bin",
                "OAUTHMAIL_CLASSPATH", System.getProperty("java.class.path")));

        Run newest = launcher(LAUNCHER, env, "token", "me");
        assertThat(newest.out()).as("without JAVA_HOME the newest JDK runs: " + newest.err()).isEqualTo("fake-java-99\n");

        env.put("JAVA_HOME", System.getProperty("java.home"));
        Run pinned = launcher(LAUNCHER, env, "token", "me");
        assertThat(pinned.exit()).as(pinned.err()).isZero();
        assertThat(pinned.out()).isEqualTo("cached-token\n");

        env.put("JAVA_HOME", fakeJdk("11").toString());
        Run old = launcher(LAUNCHER, env, "token", "me");
        assertThat(old.exit()).isEqualTo(127);
        assertThat(old.out()).isEmpty();
        assertThat(old.err()).contains("is Java 11; oauthmail needs Java 17 or newer");
    }

    @Test
    void theDaemonGetsTheOptimizingCompilerAndNativeAccessWhileShortCommandsKeepTheirStartUpFlags() throws Exception {
        Path jdk = dir.resolve("echo-jdk");
        Path java = Files.createDirectories(jdk.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n[ -n \"$OAUTHMAIL_EXIT_FILE\" ] && echo 0 > \"$OAUTHMAIL_EXIT_FILE\"\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
        Map<String, String> env = Map.of("JAVA_HOME", jdk.toString(), "PATH", "/usr/bin:/bin",
                "OAUTHMAIL_CLASSPATH", System.getProperty("java.class.path"));

        Run serve = launcher(LAUNCHER, env, "serve", "--listen", "imap=127.0.0.1:0");
        assertThat(serve.out()).as(serve.err()).contains("--enable-native-access=ALL-UNNAMED")
                .as("no four-line restricted-method warning from Netty's native parts, and C2 for the long run")
                .doesNotContain("TieredStopAtLevel=1").contains("io.oauthmail.cli.Main serve");
        Run token = launcher(LAUNCHER, env, "token", "me");
        assertThat(token.out()).contains("-XX:TieredStopAtLevel=1").doesNotContain("--enable-native-access");
    }

    @Tag("slow")
    @Test
    void aDamagedClassArchiveNeitherFailsTokenNorReachesStdout() throws Exception {
        Path root = launcherCheckout();
        Path target = root.resolve("cli").resolve("target");
        // Without JAVA_HOME: the newest JDK here (an AOT cache from 24 on); with it, this test's Java (17: CDS).
        for (Map<String, String> env : List.of(Map.of("PATH", "/usr/bin:/bin"),
                Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home")))) {
            Run first = launcher(root.resolve("oauthmail"), env, "token", "me");
            assertThat(first.out()).as(first.err()).isEqualTo("cached-token\n");
            Path archive;
            try (Stream<Path> files = Files.list(target)) {
                archive = files.filter(f -> f.toString().endsWith(".aot") || f.toString().endsWith(".jsa"))
                        .filter(f -> !Files.exists(Path.of(f + ".checked"))).findFirst().orElse(null);
            }
            assumeTrue(archive != null, "this JDK made no class archive (" + env + ")");
            Path good = Files.copy(archive, Path.of(archive + ".checked"));
            for (String damage : List.of("truncated", "overwritten in the middle")) {
                Files.copy(good, archive, StandardCopyOption.REPLACE_EXISTING);
                byte[] bytes = Files.readAllBytes(good);
                if (damage.equals("truncated")) {
                    Files.write(archive, java.util.Arrays.copyOf(bytes, 1000));
                } else {
                    byte[] noise = new byte[64 * 1024];
                    new java.util.Random(11).nextBytes(noise);
                    System.arraycopy(noise, 0, bytes, bytes.length / 4, noise.length);
                    Files.write(archive, bytes);
                }
                Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(5))); // newer than the jar
                Run run = launcher(root.resolve("oauthmail"), env, "token", "me");
                assertThat(run.exit()).as(archive.getFileName() + " " + damage + ": " + run.err()).isZero();
                assertThat(run.out()).as(archive.getFileName() + " " + damage).isEqualTo("cached-token\n");
            }
            Files.deleteIfExists(archive);
        }
    }

    @Tag("slow")
    @Test
    void whatTheLeanJarDoesNotAnswerTheFullCommandAnswersAsWithoutIt() throws Exception {
        Path root = launcherCheckout();
        Path lean = root.resolve("cli").resolve("target").resolve("oauthmail-lean.jar");
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin"); // the newest JDK: the lean jar from 24 on
        Run cached = launcher(root.resolve("oauthmail"), env, "token", "me");
        assertThat(cached.exit()).as(cached.err()).isZero();
        assertThat(cached.out()).isEqualTo("cached-token\n");
        assertThat(cached.err()).isEmpty();

        List<List<String>> handedOver = List.of(List.of("token", "nobody"), List.of("token", "me", "--format", "bogus"),
                List.of("token", "me", "--config", home.resolve("config.toml").toString()));
        List<Run> withLean = new ArrayList<>();
        for (List<String> args : handedOver) {
            withLean.add(launcher(root.resolve("oauthmail"), env, args.toArray(String[]::new)));
        }
        Files.delete(lean);
        for (int i = 0; i < handedOver.size(); i++) {
            Run without = launcher(root.resolve("oauthmail"), env, handedOver.get(i).toArray(String[]::new));
            Run with = withLean.get(i);
            assertThat(with.exit()).as(handedOver.get(i) + ": " + with.err()).isEqualTo(without.exit());
            assertThat(with.err()).as(handedOver.get(i).toString()).isEqualTo(without.err());
            assertThat(with.out()).as(handedOver.get(i).toString()).isEqualTo(without.out());
        }
        assertThat(withLean.get(0).exit()).isNotZero();
        assertThat(withLean.get(0).err()).contains("nobody");
        assertThat(withLean.get(2).out()).as("an option the lean path leaves to the full command").isEqualTo("cached-token\n");
    }

    /**
     * A launcher beside a built jar, as in a checkout after {@code ./mvnw package}: the jar names this test's class
     * path in its manifest, its folders packed as jars (class archives take classes from jars only). No sources
     * here, so the launcher sees nothing to rebuild.
     */
    private Path launcherCheckout() throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Path target = Files.createDirectories(root.resolve("cli").resolve("target"));
        Files.copy(LAUNCHER, root.resolve("oauthmail"));
        List<String> classPath = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath();
            if (Files.isDirectory(path)) {
                Path jar = target.resolve("lib").resolve("part" + n++ + ".jar");
                Files.createDirectories(jar.getParent());
                pack(path, jar, null);
                path = jar;
            }
            classPath.add(path.toUri().toString());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        pack(null, target.resolve("oauthmail.jar"), manifest);
        // The lean jar the launcher runs `token` on first (JDK 24+); here with the same class path.
        pack(null, target.resolve("oauthmail-lean.jar"), manifest);
        return root;
    }

    private static void pack(Path folder, Path jar, Manifest manifest) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = manifest == null ? new JarOutputStream(file) : new JarOutputStream(file, manifest)) {
            if (folder == null) {
                return;
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
