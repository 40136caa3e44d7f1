package io.oauthmail.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the configuration, SIGTERM and SIGINT stop the daemon in order (listeners closed, sessions
 * ended, control socket removed) and let it exit 0, which is what systemd and shells expect of a daemon that
 * was asked to stop. {@code sun.misc.Signal} (module jdk.unsupported) is the only way Java has to catch a
 * signal; where it is missing, SIGHUP keeps its default (the process ends) and {@code oauthmail reload}
 * still works, and SIGTERM falls back to the JVM's shutdown hooks.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Runs {@code reload} on each SIGHUP; false if signals cannot be caught here. */
    static boolean onHangup(Runnable reload) {
        return handle("HUP", reload);
    }

    /** Runs {@code stop} on SIGTERM and SIGINT instead of the JVM's default exit. */
    static boolean onTerminate(Runnable stop) {
        return handle("TERM", stop) & handle("INT", stop);
    }

    // javac notes "internal proprietary API" here; that is the point of this class, and cannot be silenced.
    private static boolean handle(String name, Runnable action) {
        try {
            sun.misc.SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
            if (old == sun.misc.SignalHandler.SIG_IGN) {
                // Ignored when the JVM started (nohup ignores SIGHUP): the JVM then leaves it ignored and says so only
                // here, so the daemon must not promise a reload on SIGHUP.
                LOG.debug("SIG{} was ignored when this process started (nohup?): it stays ignored", name);
                return false;
            }
            return true;
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.debug("SIG{} cannot be caught in this JVM: {}", name, e.getMessage());
            return false;
        }
    }
}
