package io.oauthmail.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code oauthmail serve --listen relay=127.0.0.1:PORT --log-level debug} process of a several-hosts test, its
 * stderr (the debug log) in a file. The JVM is started directly, not through a shell script, so {@link #process()}
 * is the daemon itself and {@code destroyForcibly} is a real kill -9 of it.
 *
 * @param port the relay's port
 * @param logFile the daemon's stderr
 */
record RelayHost(Process process, int port, Path logFile) {

    /** Starts the daemon with {@code env}, its relay leases {@code leaseSeconds} long, its output in {@code log}. */
    static RelayHost start(Map<String, String> env, int leaseSeconds, Path log) throws IOException {
        int port = freePort();
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", // three daemons on a small test machine
                "-Doauthmail.relay.lease=" + leaseSeconds, "-cp", System.getProperty("java.class.path"),
                "io.oauthmail.cli.Main", "serve", "--log-level", "debug", "--listen", "relay=127.0.0.1:" + port));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return new RelayHost(builder.start(), port, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The daemon's output so far. */
    String log() {
        return Awaits.text(logFile);
    }

    /** Waits until the daemon said its accounts are fresh (failing at once, with its log, if it ends). */
    void awaitStarted() {
        Awaits.daemonStarted(this::log, process::isAlive);
    }

    /** SIGTERM, then SIGKILL if it has not stopped in 20 s. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

}
