package io.oauthmail.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.oauthmail.provider.MailServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads and checks the {@code [[listener]]} tables for {@link ConfigReader}; each problem names its line and key. */
final class ListenerReader {

    private static final Set<String> KEYS = Set.of("protocol", "listen", "upstream", "tls", "cert", "key", "accounts",
            "max_connections");
    private static final Set<String> RELAY_KEYS = Set.of("protocol", "listen", "tls", "cert", "key", "accounts",
            "max_connections", "account", "allow_unauthenticated", "max_message_size");

    private ListenerReader() {
    }

    static List<ListenerSettings> read(ConfigReader.Checker check, JsonNode listeners, Set<String> accountNames) {
        List<ListenerSettings> out = new ArrayList<>();
        if (listeners == null) {
            return out;
        }
        if (!listeners.isArray()) {
            throw check.error(List.of(), "listener", "expected [[listener]] tables",
                    "write each listener as a [[listener]] table with protocol and listen (see the README)");
        }
        for (JsonNode node : listeners) {
            out.add(listener(check, "listener[" + (out.size() + 1) + "]", node, accountNames));
        }
        return out;
    }

    private static ListenerSettings listener(ConfigReader.Checker check, String name, JsonNode node, Set<String> accountNames) {
        List<String> table = List.of(name);
        check.table(node, table);
        String protocol = required(check, node, table, "protocol", "protocol = \"imap\" (or smtp, pop, relay)");
        if (!ListenerSettings.PROTOCOLS.contains(protocol)) {
            throw check.error(table, "protocol", "unknown proxy protocol '" + protocol + "'", "use smtp, imap, pop or relay");
        }
        check.onlyKeys(node, table, protocol.equals("relay") ? RELAY_KEYS : KEYS);
        String listen = required(check, node, table, "listen", "listen = \"127.0.0.1:1143\"");
        int colon = listen.lastIndexOf(':');
        if (colon <= 0 || !validPort(listen.substring(colon + 1))) {
            throw check.error(table, "listen", "expected HOST:PORT, got '" + listen + "'", "e.g. listen = \"127.0.0.1:1143\"");
        }
        String upstream = check.string(node, table, "upstream");
        if (upstream != null) {
            try {
                MailServer.parse(upstream);
            } catch (IllegalArgumentException e) {
                throw check.error(table, "upstream", e.getMessage(), "write it as HOST:PORT or HOST:PORT:tls|starttls|plain");
            }
        }
        String tls = Optional.ofNullable(check.string(node, table, "tls")).orElse("none");
        if (!ListenerSettings.TLS_MODES.contains(tls)) {
            throw check.error(table, "tls", "unknown TLS mode '" + tls + "'", "use none (loopback only), starttls or implicit");
        }
        String cert = check.string(node, table, "cert");
        String key = check.string(node, table, "key");
        if ((cert == null) != (key == null)) {
            throw check.error(table, cert == null ? "key" : "cert", "cert and key go together",
                    cert == null ? "add cert = \"/path/fullchain.pem\"" : "add key = \"/path/key.pem\" (PEM, PKCS#8)");
        }
        if (cert != null && tls.equals("none")) {
            throw check.error(table, "cert", "a certificate is given but tls = \"none\"", "add tls = \"starttls\" or \"implicit\"");
        }
        List<String> accounts = check.strings(node, table, "accounts");
        for (String account : accounts) {
            if (!accountNames.contains(account)) {
                throw check.error(table, "accounts", "no account named '" + account + "'",
                        "configured accounts: " + String.join(", ", accountNames));
            }
        }
        Integer max = check.integer(node, table, "max_connections");
        if (max != null && (max < 1 || max > ListenerSettings.MOST_CONNECTIONS)) {
            throw check.error(table, "max_connections", "max_connections must be 1 to " + ListenerSettings.MOST_CONNECTIONS
                    + ", got " + max, "e.g. max_connections = " + ListenerSettings.DEFAULT_MAX_CONNECTIONS);
        }
        return new ListenerSettings(name, protocol, listen, Optional.ofNullable(upstream), tls,
                Optional.ofNullable(cert).map(Path::of), Optional.ofNullable(key).map(Path::of), accounts,
                max != null ? max : ListenerSettings.DEFAULT_MAX_CONNECTIONS,
                protocol.equals("relay") ? relay(check, node, table, accountNames) : ListenerSettings.Relay.DEFAULTS);
    }

    private static ListenerSettings.Relay relay(ConfigReader.Checker check, JsonNode node, List<String> table,
            Set<String> accountNames) {
        String account = check.string(node, table, "account");
        if (account != null && !accountNames.contains(account)) {
            throw check.error(table, "account", "no account named '" + account + "'",
                    "configured accounts: " + String.join(", ", accountNames));
        }
        List<String> allowed = check.strings(node, table, "allow_unauthenticated");
        for (String network : allowed) {
            if (!ClientNetwork.valid(network)) {
                throw check.error(table, "allow_unauthenticated", "not an IP address or ADDRESS/BITS network: '" + network + "'",
                        "e.g. allow_unauthenticated = [\"192.168.1.0/24\", \"10.0.0.7\"]");
            }
        }
        if (!allowed.isEmpty() && account == null) {
            throw check.error(table, "allow_unauthenticated", "clients that do not log in need an account to send as",
                    "add account = \"NAME\" to this listener");
        }
        Integer size = check.integer(node, table, "max_message_size");
        if (size != null && size < 1) {
            throw check.error(table, "max_message_size", "max_message_size must be a positive number of bytes, got " + size,
                    "e.g. max_message_size = " + ListenerSettings.Relay.DEFAULT_MAX_MESSAGE_SIZE);
        }
        return new ListenerSettings.Relay(Optional.ofNullable(account), allowed,
                size != null ? size : ListenerSettings.Relay.DEFAULT_MAX_MESSAGE_SIZE);
    }

    private static String required(ConfigReader.Checker check, JsonNode node, List<String> table, String key, String example) {
        String value = check.string(node, table, key);
        if (value == null) {
            throw check.error(table, null, "the listener has no " + key, "add: " + example);
        }
        return value;
    }

    private static boolean validPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 0 && port <= 65535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
