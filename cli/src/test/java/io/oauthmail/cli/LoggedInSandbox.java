package io.oauthmail.cli;

import io.oauthmail.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A sandbox and an OAUTHMAIL_HOME whose users are added and logged in through the CLI, shared by the tests of one
 * class: {@code @RegisterExtension static final LoggedInSandbox sandbox = new LoggedInSandbox("alice@sandbox.test")}.
 */
final class LoggedInSandbox implements BeforeAllCallback, AfterAllCallback {

    private final String[] users;
    private Sandbox sandbox;
    private Path home;
    private Map<String, String> env;

    LoggedInSandbox(String... users) {
        this.users = users.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        home = Files.createTempDirectory("oauthmail-test-");
        sandbox = Sandbox.start();
        env = SandboxHome.create(sandbox, home, users);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        sandbox.close();
        try (Stream<Path> paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    Sandbox sandbox() {
        return sandbox;
    }

    /** The OAUTHMAIL_HOME (also HOME) of the commands. */
    Path home() {
        return home;
    }

    /** Runs one command line in this JVM with {@code stdin}. */
    CliRun run(InputStream stdin, String... args) {
        return CliRun.of(env, stdin, args);
    }

    /** Runs one command line in this JVM with "hello" on stdin. */
    CliRun run(String... args) {
        return run(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)), args);
    }
}
