package io.oauthmail.cli.serve;

import io.oauthmail.config.ListenerSettings;
import io.oauthmail.error.OAuthMailException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code serve --listen PROTOCOL=HOST:PORT} and its {@code --tls} options, read into listeners like the config's. */
final class ListenFlags {

    private ListenFlags() {
    }

    /** {@code --listen} flags as listeners, checked like the config's [[listener]] tables. */
    static List<ListenerSettings> read(List<String> flags, String tls, Path cert, Path key, int maxConnections) {
        if (!ListenerSettings.TLS_MODES.contains(tls)) {
            throw new OAuthMailException("unknown --tls mode '" + tls + "'", "use none (loopback only), starttls or implicit");
        }
        if ((cert == null) != (key == null)) {
            throw new OAuthMailException("--tls-cert and --tls-key go together", "pass both, or neither for a generated certificate");
        }
        if (cert != null && tls.equals("none")) {
            throw new OAuthMailException("--tls-cert is given but --tls is none", "add --tls starttls or --tls implicit");
        }
        if (maxConnections < 1 || maxConnections > ListenerSettings.MOST_CONNECTIONS) {
            throw new OAuthMailException("--max-connections must be 1 to " + ListenerSettings.MOST_CONNECTIONS + ", not "
                    + maxConnections, "e.g. --max-connections " + ListenerSettings.DEFAULT_MAX_CONNECTIONS);
        }
        List<ListenerSettings> listeners = new ArrayList<>();
        for (String flag : flags) {
            int eq = flag.indexOf('=');
            int colon = flag.lastIndexOf(':');
            if (eq <= 0 || colon < eq) {
                throw new OAuthMailException("--listen takes PROTOCOL=HOST:PORT, e.g. smtp=127.0.0.1:1587, not '" + flag + "'", null);
            }
            String protocol = flag.substring(0, eq);
            if (!ListenerSettings.PROTOCOLS.contains(protocol)) {
                throw new OAuthMailException("unknown proxy protocol '" + protocol + "'", "use smtp, imap, pop or relay");
            }
            listeners.add(new ListenerSettings("--listen " + flag, protocol, flag.substring(eq + 1), Optional.empty(), tls,
                    Optional.ofNullable(cert), Optional.ofNullable(key), List.of(), maxConnections));
        }
        return listeners;
    }
}
