package io.oauthmail.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The web console, from the config file's {@code [web]} table: {@code listen = "127.0.0.1:8025"}, and for an address
 * beyond loopback {@code tls = true} (a self-signed certificate kept in the state folder) or {@code tls_cert} and
 * {@code tls_key} (PEM files). Left out, the console runs only when {@code oauthmail serve --web HOST:PORT} asks.
 *
 * @param listen  the console's address as {@code HOST:PORT}, if set (checked when the console starts)
 * @param tls     serve HTTPS
 * @param tlsCert the PEM certificate chain for HTTPS (with {@code tlsKey}); empty: the self-signed one
 * @param tlsKey  its PEM private key
 * @param signIn  signing in with an OpenID Connect provider ({@code oidc_issuer}, ...), beside the admin password
 */
public record WebSettings(Optional<String> listen, boolean tls, Optional<Path> tlsCert, Optional<Path> tlsKey,
        Optional<WebSignIn> signIn) {

    /** No {@code [web]} table: no console unless a flag asks for one. */
    public static final WebSettings DEFAULT = new WebSettings(Optional.empty(), false, Optional.empty(), Optional.empty());

    public WebSettings {
        java.util.Objects.requireNonNull(listen, "listen");
        java.util.Objects.requireNonNull(tlsCert, "tlsCert");
        java.util.Objects.requireNonNull(tlsKey, "tlsKey");
        java.util.Objects.requireNonNull(signIn, "signIn");
        tls = tls || tlsCert.isPresent();
    }

    /** Settings without OpenID Connect sign-in (the admin password only). */
    public WebSettings(Optional<String> listen, boolean tls, Optional<Path> tlsCert, Optional<Path> tlsKey) {
        this(listen, tls, tlsCert, tlsKey, Optional.empty());
    }

    /** These settings with {@code flags} (the command line's) winning where they say something. */
    public WebSettings under(WebSettings flags) {
        return new WebSettings(flags.listen().or(this::listen), flags.tls() || tls, flags.tlsCert().or(this::tlsCert),
                flags.tlsKey().or(this::tlsKey), flags.signIn().or(this::signIn));
    }

    /** Reads {@code [web]}; absent, nothing is set. */
    static WebSettings read(ConfigReader.Checker check, JsonNode web) {
        if (web == null) {
            return DEFAULT;
        }
        List<String> table = List.of("web");
        check.table(web, table);
        check.onlyKeys(web, table, Set.of("listen", "tls", "tls_cert", "tls_key", "oidc_issuer", "oidc_client_id",
                "oidc_client_secret", "oidc_client_secret_cmd", "allow"));
        String listen = check.string(web, table, "listen");
        if (listen != null && listen.lastIndexOf(':') < 1) {
            throw check.error(table, "listen", "'" + listen + "' is not HOST:PORT", "e.g. listen = \"127.0.0.1:8025\"");
        }
        JsonNode tls = web.get("tls");
        if (tls != null && !tls.isBoolean()) {
            throw check.error(table, "tls", "tls is true or false", "e.g. tls = true");
        }
        String cert = check.string(web, table, "tls_cert");
        String key = check.string(web, table, "tls_key");
        if ((cert == null) != (key == null)) {
            throw check.error(table, cert == null ? "tls_key" : "tls_cert", "tls_cert and tls_key go together",
                    "give both PEM files, or neither for a self-signed certificate");
        }
        return new WebSettings(Optional.ofNullable(listen), tls != null && tls.booleanValue(),
                Optional.ofNullable(cert).map(Path::of), Optional.ofNullable(key).map(Path::of),
                Optional.ofNullable(WebSignIn.read(check, web, table)));
    }
}
