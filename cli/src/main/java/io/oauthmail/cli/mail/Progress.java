package io.oauthmail.cli.mail;

import java.io.PrintWriter;

/** A one-line progress bar on a terminal's stderr (nothing at all when stderr is not a terminal: see {@link StderrTerminal}). */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final int total;
    private final boolean enabled;

    Progress(PrintWriter err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
    }

    void step(int sent, int failed) {
        if (!enabled) {
            return;
        }
        int done = sent + failed;
        int filled = (int) ((long) WIDTH * done / Math.max(1, total));
        err.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total
                + (failed > 0 ? " (" + failed + " failed)" : ""));
        err.flush();
    }

    /** Blanks the bar's line, so that a message printed next starts at the left edge (the bar comes back at step). */
    void clearLine() {
        if (enabled) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
        }
    }

    void done() {
        if (enabled) {
            err.println();
        }
    }
}
