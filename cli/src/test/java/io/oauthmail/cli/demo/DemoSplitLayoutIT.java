package io.oauthmail.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.oauthmail.cli.ExitCodes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built CLI as it ships: {@code target/oauthmail.jar} with its {@code lib/}, and the demo part in {@code demo/}.
 * Runs after {@code package} (the split-layout execution in cli/pom.xml), in JVMs of its own.
 */
class DemoSplitLayoutIT {

    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path JAR = TARGET.resolve("oauthmail.jar");
    private static final Path LIB = TARGET.resolve("lib");
    private static final Path DEMO = TARGET.resolve("demo");

    @TempDir
    Path dir;

    @Test
    void theRuntimeCarriesNoTestLibrariesAndTheDemoPartNothingTwice() throws IOException {
        Set<String> lib = names(LIB);
        Set<String> demo = names(DEMO);
        assertThat(lib).isNotEmpty().noneMatch(n -> n.matches(
                "(junit|hamcrest|mockwebserver|mock-oauth2-server|kotlin|greenmail|oauthmail-sandbox|oauthmail-demo|assertj|awaitility).*"));
        assertThat(demo).anyMatch(n -> n.startsWith("oauthmail-demo-")).anyMatch(n -> n.startsWith("oauthmail-sandbox-"))
                .anyMatch(n -> n.startsWith("mock-oauth2-server-")).noneMatch(n -> n.matches("(junit-jupiter|junit-platform|assertj|opentest4j|awaitility).*"));
        assertThat(demo).as("jars in both lib/ and demo/").doesNotContainAnyElementsOf(lib);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            assertThat(classPath).as("the jar's class path").contains("lib/oauthmail-core-")
                    .doesNotContain("junit").doesNotContain("sandbox").doesNotContain("demo");
        }
    }

    @Test
    void runsFromTheDemoFolderBesideTheJar() throws Exception {
        Run run = demo(List.of());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^  wrong token +\\d+\\.\\d\\d s  ").contains("demo passed");
    }

    @Test
    void runsFromTheFolderThePropertyNames() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        for (String name : names(DEMO)) {
            Files.copy(DEMO.resolve(name), elsewhere.resolve(name));
        }
        Run run = demo(List.of("-Doauthmail.demo.path=" + elsewhere));
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^  authorize +\\d+\\.\\d\\d s  ").contains("demo passed");
    }

    @Test
    void aMissingDemoPartIsAClearErrorNotAStackTrace() throws Exception {
        Path missing = dir.resolve("no-demo-here");
        Run run = demo(List.of("-Doauthmail.demo.path=" + missing));
        assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("oauthmail: ").contains("demo part is not installed").contains(missing.toString())
                .contains("./mvnw -B -DskipTests package").contains("-Doauthmail.demo.path=DIR")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    private Run demo(List<String> properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(properties);
        command.addAll(List.of("-cp", JAR.toString(), "io.oauthmail.cli.Main", "demo"));
        Path err = Files.createTempFile(dir, "demo", ".err");
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the demo ended").isTrue();
        return new Run(process.exitValue(), out, Files.readString(err));
    }

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jar")).collect(Collectors.toSet());
        }
    }

    private record Run(int exit, String out, String err) {
    }
}
