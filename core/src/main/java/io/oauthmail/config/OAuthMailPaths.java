package io.oauthmail.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where oauthmail keeps things. {@code OAUTHMAIL_HOME} puts everything in one folder (config.toml,
 * tokens/, state/), so tests and several installations never share files; otherwise the XDG base
 * directories: config in {@code $XDG_CONFIG_HOME/oauthmail}, tokens in {@code $XDG_DATA_HOME/oauthmail},
 * state in {@code $XDG_STATE_HOME/oauthmail}. {@code --config FILE} moves only the config file.
 */
public record OAuthMailPaths(Path configFile, Path tokenDir, Path stateDir) {

    public static OAuthMailPaths fromEnvironment(Map<String, String> env, Path configOverride) {
        String home = env.get("OAUTHMAIL_HOME");
        OAuthMailPaths paths;
        if (home != null && !home.isBlank()) {
            Path root = Path.of(home);
            paths = new OAuthMailPaths(root.resolve("config.toml"), root.resolve("tokens"), root.resolve("state"));
        } else {
            Path userHome = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
            paths = new OAuthMailPaths(
                    xdg(env, "XDG_CONFIG_HOME", userHome.resolve(".config")).resolve("oauthmail").resolve("config.toml"),
                    xdg(env, "XDG_DATA_HOME", userHome.resolve(".local/share")).resolve("oauthmail").resolve("tokens"),
                    xdg(env, "XDG_STATE_HOME", userHome.resolve(".local/state")).resolve("oauthmail"));
        }
        return configOverride == null ? paths : new OAuthMailPaths(configOverride, paths.tokenDir, paths.stateDir);
    }

    /** The proxy's local password hashes: in the state folder, beside the daemon's socket. */
    public Path localPasswordsFile() {
        return stateDir.resolve("local-passwords");
    }

    private static Path xdg(Map<String, String> env, String name, Path fallback) {
        String value = env.get(name);
        // The XDG spec: a relative path is invalid and must be ignored.
        return value != null && value.startsWith("/") ? Path.of(value) : fallback;
    }
}
