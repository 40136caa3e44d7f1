package io.oauthmail.config;

import io.oauthmail.error.OAuthMailException;
import java.nio.file.Path;

/** The config file cannot be used: the message names the file, the line and the key, and what is wrong. */
public final class ConfigException extends OAuthMailException {

    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, int line, String key, String problem, String hint) {
        super(file + (line > 0 ? ":" + line : "") + (key != null ? ": " + key : "") + ": " + problem, hint);
    }
}
