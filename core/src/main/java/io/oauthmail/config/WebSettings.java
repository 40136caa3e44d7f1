package io.oauthmail.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The web console, from the config file's {@code [web]} table: {@code listen = "127.0.0.1:8025"}. Left out, the
 * console runs only when {@code oauthmail serve --web HOST:PORT} asks for it.
 *
 * @param listen the console's address as {@code HOST:PORT}, if the file sets it (checked when the console starts)
 */
public record WebSettings(Optional<String> listen) {

    /** No {@code [web]} table: no console unless a flag asks for one. */
    public static final WebSettings DEFAULT = new WebSettings(Optional.empty());

    public WebSettings {
        java.util.Objects.requireNonNull(listen, "listen");
    }

    /** Reads {@code [web]}; absent, nothing is set. */
    static WebSettings read(ConfigReader.Checker check, JsonNode web) {
        if (web == null) {
            return DEFAULT;
        }
        List<String> table = List.of("web");
        check.table(web, table);
        check.onlyKeys(web, table, Set.of("listen"));
        String listen = check.string(web, table, "listen");
        if (listen != null && listen.lastIndexOf(':') < 1) {
            throw check.error(table, "listen", "'" + listen + "' is not HOST:PORT", "e.g. listen = \"127.0.0.1:8025\"");
        }
        return new WebSettings(Optional.ofNullable(listen));
    }
}
