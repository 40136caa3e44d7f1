package io.oauthmail.cli.mail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Whether a person watches this process's stderr, so a progress bar there helps. Java 17 can ask only whether
 * stdin and stdout are both a terminal ({@code System.console()}), which is false for {@code send > ids.txt} although
 * stderr is one. On Linux the descriptor's link in /proc names its device; elsewhere the console is the best guess.
 */
final class StderrTerminal {

    private static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private StderrTerminal() {
    }

    /**
     * Whether to draw progress: {@code requested} (--progress / --no-progress) when given; never on a
     * {@code TERM=dumb} terminal (editors' shells, which show a carriage return as garbage); else when stderr is a
     * terminal.
     */
    static boolean showProgress(Boolean requested, Map<String, String> env, BooleanSupplier stderrIsTerminal) {
        if (requested != null) {
            return requested;
        }
        if ("dumb".equals(env.get("TERM"))) {
            return false;
        }
        return stderrIsTerminal.getAsBoolean();
    }

    /** Whether this process's file descriptor 2 is a terminal. */
    static boolean isTerminal() {
        if (Files.isDirectory(STDERR_LINK.getParent())) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(STDERR_LINK).toString());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // /proc without readable links (a hardened container): fall back to the console
            }
        }
        return System.console() != null;
    }

    /** A pseudo-terminal (/dev/pts/N), a virtual console or serial line (/dev/ttyN, /dev/ttyS0), or /dev/console. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }
}
