package io.oauthmail.cli.demo;

import io.oauthmail.error.OAuthMailException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The demo part: the demo's steps and the sandbox they run on (an OAuth server and a mail server, with their heavy
 * dependencies, JUnit 4 among them), kept out of the CLI's class path in a folder of jars of its own, {@code demo}
 * beside {@code oauthmail.jar} (or {@code -Doauthmail.demo.path=DIR}). Loaded only for {@code oauthmail demo}, in a
 * class loader whose parent is the CLI's, so core's classes (and its errors) are the CLI's own.
 *
 * <p>The boundary is a JDK type, {@code BiConsumer<PrintWriter, Boolean>} (where to print, keep running afterwards),
 * implemented by the demo module's entry class, which is found by name: the CLI and the demo module do not compile
 * against each other.
 */
final class DemoPart {

    /** Names the demo part's folder instead of {@code demo} beside {@code oauthmail.jar}. */
    static final String PATH_PROPERTY = "oauthmail.demo.path";
    /** The demo module's entry class (io.oauthmail.demo.DemoEntry; its test checks the name). */
    static final String ENTRY = "io.oauthmail.demo.DemoEntry";
    private static final String ENTRY_FILE = ENTRY.replace('.', '/') + ".class";

    private DemoPart() {
    }

    /**
     * The demo, from the folder {@code override} names, else from the class path when it is there already (the tests,
     * an IDE), else from {@code demo} beside the CLI's jar.
     *
     * @throws OAuthMailException when the folder is missing or holds no demo part
     */
    static BiConsumer<PrintWriter, Boolean> load(String override) {
        ClassLoader own = DemoPart.class.getClassLoader();
        Path folder;
        if (override != null && !override.isBlank()) {
            folder = Path.of(override).toAbsolutePath();
        } else if (own.getResource(ENTRY_FILE) != null) {
            return entry(own, "the class path");
        } else {
            folder = besideTheJar();
        }
        // Not closed: the demo's servers may still be winding down threads that load classes when the command returns,
        // and the process ends with the command anyway.
        URLClassLoader loader = new URLClassLoader("oauthmail-demo", jars(folder), own);
        BiConsumer<PrintWriter, Boolean> demo = entry(loader, folder.toString());
        // Libraries that look things up through the context class loader (service files, e.g. Jackson's modules) must
        // see the demo part's jars while it runs.
        return (out, keepRunning) -> {
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                demo.accept(out, keepRunning);
            } finally {
                thread.setContextClassLoader(before);
            }
        };
    }

    /** {@code demo} in the folder of the jar (or the classes folder) this class came from: cli/target/demo in a checkout. */
    private static Path besideTheJar() {
        try {
            Path code = Path.of(DemoPart.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("demo");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the CLI's own location is not a file: " + e.getMessage(), e);
        }
    }

    private static URL[] jars(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw notInstalled("no folder " + folder);
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the demo part's folder " + folder, e);
        }
        if (jars.isEmpty()) {
            throw notInstalled("the folder " + folder + " holds no jar");
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("a file path that is no URL: " + jars.get(i), e);
            }
        }
        return urls;
    }

    private static BiConsumer<PrintWriter, Boolean> entry(ClassLoader loader, String where) {
        Object entry;
        try {
            entry = Class.forName(ENTRY, true, loader).getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new OAuthMailException("the demo part in " + where + " is incomplete or of another version: " + e,
                    rebuild(), e);
        }
        if (!(entry instanceof BiConsumer<?, ?> demo)) {
            throw new OAuthMailException("the demo part in " + where + " is of another version: " + ENTRY
                    + " is not a BiConsumer", rebuild());
        }
        @SuppressWarnings("unchecked") // the entry's declared type, checked by the demo module's test
        BiConsumer<PrintWriter, Boolean> typed = (BiConsumer<PrintWriter, Boolean>) demo;
        return typed;
    }

    private static OAuthMailException notInstalled(String what) {
        return new OAuthMailException("the demo part is not installed: " + what + " (it holds the embedded OAuth and "
                + "mail servers that oauthmail demo runs on, and nothing else needs it)", rebuild());
    }

    private static String rebuild() {
        return "install it (in a checkout: ./mvnw -B -DskipTests package, which makes cli/target/demo), "
                + "or name its folder: OAUTHMAIL_JAVA_OPTS=-D" + PATH_PROPERTY + "=DIR oauthmail demo";
    }
}
