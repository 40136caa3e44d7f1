package io.oauthmail.cli.login;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens a URL in the person's browser where there is one: {@code open} on macOS, {@code xdg-open} on a Linux
 * desktop (DISPLAY or WAYLAND_DISPLAY set). On a server there is none, and the caller prints the URL instead.
 * AWT's Desktop is not used: loading it costs start-up time and fails on headless JVMs.
 */
final class SystemBrowser {

    private SystemBrowser() {
    }

    static boolean open(URI url, Map<String, String> env) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> command;
        if (os.contains("mac")) {
            command = List.of("open", url.toString());
        } else if (os.contains("win")) {
            command = List.of("rundll32", "url.dll,FileProtocolHandler", url.toString());
        } else if (env.containsKey("DISPLAY") || env.containsKey("WAYLAND_DISPLAY")) {
            command = List.of("xdg-open", url.toString());
        } else {
            return false;
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
