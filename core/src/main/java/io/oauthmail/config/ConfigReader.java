package io.oauthmail.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.oauthmail.provider.MailServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code config.toml} and checks it whole, so that a mistake is reported once, at its line, with the
 * key and the fix, instead of surfacing later as a confusing failure:
 *
 * <pre>
 * [store]
 * dir = "/var/lib/oauthmail/tokens"        # optional
 *
 * [accounts."me@gmail.com"]
 * provider = "google"                      # google | microsoft | generic | custom
 * client_id = "1234.apps.googleusercontent.com"
 * client_secret_cmd = "pass show oauthmail/google"
 * </pre>
 */
public final class ConfigReader {

    static final Set<String> PROVIDERS = Set.of("google", "microsoft", "generic", "custom");
    private static final Set<String> FLOWS = Set.of("browser", "paste", "device", "client-credentials", "service-account");

    private ConfigReader() {
    }

    /** Reads the config at {@code paths.configFile()}; a missing file is an empty config. */
    public static Config read(OAuthMailPaths paths) {
        Path file = paths.configFile();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return new Config(file, paths.tokenDir(), null, "file", null, Map.of());
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read it: " + e.getMessage(), null);
        }
        return parse(file, text, paths.tokenDir());
    }

    static Config parse(Path file, String text, Path defaultTokenDir) {
        JsonNode root;
        try {
            root = TomlTree.read(text);
        } catch (JacksonException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
            throw new ConfigException(file, line, null, "not valid TOML: " + e.getOriginalMessage(),
                    "fix the line, or recreate the account with: oauthmail accounts add NAME ...");
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read it: " + e.getMessage(), null);
        }
        Checker check = new Checker(file, text);
        check.onlyKeys(root, List.of(), Set.of("store", "accounts", "serve", "listener", "tokens", "log", "web", "relay"));
        Duration refreshMargin = duration(check, root.get("tokens"), "refresh_margin", TokenSettingsScan.MIN_MARGIN,
                TokenSettingsScan.MAX_MARGIN, "write it like \"5m\" (the default), \"90s\" or \"10m\"");
        Duration tokenTimeout = duration(check, root.get("tokens"), "timeout", TokenSettingsScan.MIN_TIMEOUT, TokenSettingsScan.MAX_TIMEOUT,
                "write it like \"15s\" (the default) or \"1m\"");
        Map<String, String> hooks = new LinkedHashMap<>();
        JsonNode serve = root.get("serve");
        if (serve != null) {
            check.table(serve, List.of("serve"));
            check.onlyKeys(serve, List.of("serve"), Config.HOOKS);
            for (String hook : Config.HOOKS) {
                String command = check.string(serve, List.of("serve"), hook);
                if (command != null) {
                    hooks.put(hook, command);
                }
            }
        }
        Path tokenDir = defaultTokenDir;
        String passphraseCmd = null;
        String kind = "file";
        String jdbcUrl = null;
        JsonNode store = root.get("store");
        if (store != null) {
            List<String> table = List.of("store");
            check.table(store, table);
            check.onlyKeys(store, table, Set.of("dir", "passphrase_cmd", "kind", "jdbc_url"));
            passphraseCmd = check.string(store, table, "passphrase_cmd");
            kind = check.string(store, table, "kind") == null ? "file" : check.string(store, table, "kind");
            if (!Set.of("file", "h2", "jdbc").contains(kind)) {
                throw check.error(table, "kind", "unknown store kind '" + kind + "'", "use file (default), h2 or jdbc");
            }
            jdbcUrl = check.string(store, table, "jdbc_url");
            if (kind.equals("jdbc") && (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:"))) {
                throw check.error(table, "jdbc_url", "kind = \"jdbc\" needs jdbc_url = \"jdbc:postgresql://HOST/DB?user=...\"", null);
            }
            String dir = check.string(store, List.of("store"), "dir");
            if (dir != null) {
                tokenDir = Path.of(dir);
            }
        }
        Map<String, AccountSettings> accounts = new LinkedHashMap<>();
        JsonNode accountsNode = root.get("accounts");
        if (accountsNode != null) {
            check.table(accountsNode, List.of("accounts"));
            for (Iterator<Map.Entry<String, JsonNode>> it = accountsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                accounts.put(entry.getKey(), account(check, entry.getKey(), entry.getValue()));
            }
        }
        return new Config(file, tokenDir, passphraseCmd, kind, jdbcUrl, accounts, hooks,
                ListenerReader.read(check, root.get("listener"), accounts.keySet()), refreshMargin, tokenTimeout,
                LogSettings.read(check, root.get("log")), WebSettings.read(check, root.get("web")),
                RelaySettings.read(check, root.get("relay")));
    }

    /**
     * A duration of the {@code [tokens]} table, e.g. {@code refresh_margin = "10m"} (the largest margin before
     * expiry at which a token is refreshed, 10 s to 30 min: hour-long tokens get it, shorter ones a quarter of
     * their life) or {@code timeout = "15s"} (how long a command waits for a token in all, 2 s to 10 min).
     */
    private static Duration duration(Checker check, JsonNode tokens, String key, Duration min, Duration max, String hint) {
        if (tokens == null) {
            return null;
        }
        List<String> table = List.of("tokens");
        check.table(tokens, table);
        check.onlyKeys(tokens, table, Set.of("refresh_margin", "timeout"));
        String text = check.string(tokens, table, key);
        if (text == null) {
            return null;
        }
        Duration value = TokenSettingsScan.within(TokenSettingsScan.parseDuration(text), min, max);
        if (value == null) {
            throw check.error(table, key, "'" + text + "' is not a " + key.replace('_', ' ') + " between "
                    + human(min) + " and " + human(max), hint);
        }
        return value;
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
    }

    private static AccountSettings account(Checker check, String name, JsonNode node) {
        List<String> table = List.of("accounts", name);
        check.table(node, table);
        check.onlyKeys(node, table, Set.copyOf(AccountSettings.KEYS));
        String provider = check.string(node, table, "provider");
        if (provider == null) {
            throw check.error(table, null, "the account has no provider",
                    "add: provider = \"google\" (or microsoft, generic, custom)");
        }
        if (!PROVIDERS.contains(provider)) {
            throw check.error(table, "provider", "unknown provider '" + provider + "'",
                    "use one of: google, microsoft, generic, custom");
        }
        String clientId = check.string(node, table, "client_id");
        if (clientId == null) {
            throw check.error(table, null, "the account has no client_id",
                    "add the OAuth client ID you registered: client_id = \"...\" (see the README)");
        }
        for (String server : List.of("imap", "pop", "smtp")) {
            String spec = check.string(node, table, server);
            if (spec != null) {
                try {
                    MailServer.parse(spec);
                } catch (IllegalArgumentException e) {
                    throw check.error(table, server, e.getMessage(), "write it as HOST:PORT or HOST:PORT:tls|starttls|plain");
                }
            }
        }
        String flow = check.string(node, table, "flow");
        if (flow != null && !FLOWS.contains(flow)) {
            throw check.error(table, "flow", "unknown flow '" + flow + "'", "use one of: " + String.join(", ", FLOWS));
        }
        if ("service-account".equals(flow) && check.string(node, table, "service_account_key") == null) {
            throw check.error(table, "flow", "a service-account account needs service_account_key",
                    "add: service_account_key = \"/path/to/the-key.json\" (the JSON key from the Google Cloud console)");
        }
        if ("client-credentials".equals(flow) && check.string(node, table, "client_secret") == null
                && check.string(node, table, "client_secret_cmd") == null) {
            throw check.error(table, "flow", "a client-credentials account needs client_secret or client_secret_cmd", null);
        }
        if (provider.equals("generic") || provider.equals("custom")) {
            for (String required : List.of("authorization_endpoint", "token_endpoint")) {
                if (check.string(node, table, required) == null && !"client-credentials".equals(flow)
                        && !"service-account".equals(flow)) {
                    throw check.error(table, null, "a " + provider + " provider needs " + required,
                            "add it, or let oauthmail discover it: oauthmail accounts add " + name + " --provider generic --issuer URL");
                }
            }
        }
        String sasl = check.string(node, table, "sasl");
        if (sasl != null && !sasl.equalsIgnoreCase("xoauth2") && !sasl.equalsIgnoreCase("oauthbearer")) {
            throw check.error(table, "sasl", "unknown SASL mechanism '" + sasl + "'",
                    "use xoauth2 or oauthbearer, or leave it out to let the server choose");
        }
        Integer port = check.integer(node, table, "redirect_port");
        if (port != null && (port < 0 || port > 65535)) {
            throw check.error(table, "redirect_port", "not a port: " + port, "use 0 (any free port) or 1-65535");
        }
        return new AccountSettings(name, provider, check.string(node, table, "tenant"), check.string(node, table, "issuer"),
                clientId, check.string(node, table, "client_secret"), check.string(node, table, "client_secret_cmd"),
                check.string(node, table, "email"), check.strings(node, table, "scopes"), check.string(node, table, "imap"),
                check.string(node, table, "pop"), check.string(node, table, "smtp"), check.string(node, table, "ca_file"),
                flow, port, check.string(node, table, "authorization_endpoint"), check.string(node, table, "token_endpoint"),
                check.string(node, table, "device_endpoint"), check.string(node, table, "revocation_endpoint"),
                check.string(node, table, "userinfo_endpoint"), check.string(node, table, "service_account_key"), sasl);
    }

    /** Type checks that report the line and key of the first problem. */
    record Checker(Path file, String text) {

        /** Line numbers are looked up only for an error: splitting the text costs start-up time otherwise. */
        ConfigException error(List<String> table, String key, String problem, String hint) {
            List<String> path = new ArrayList<>(table);
            if (key != null) {
                path.add(key);
            }
            String where = String.join(".", path);
            return new ConfigException(file, new TomlLines(text).lineOf(table, key), where.isEmpty() ? null : where, problem, hint);
        }

        void table(JsonNode node, List<String> table) {
            if (!node.isObject()) {
                throw error(table.subList(0, table.size() - 1), table.get(table.size() - 1), "expected a table", null);
            }
        }

        void onlyKeys(JsonNode node, List<String> table, Set<String> allowed) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                if (!allowed.contains(key)) {
                    List<String> sorted = new ArrayList<>(allowed);
                    java.util.Collections.sort(sorted);
                    throw error(table, key, "unknown key", "known keys here: " + String.join(", ", sorted));
                }
            }
        }

        String string(JsonNode node, List<String> table, String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw error(table, key, "expected a string in double quotes", null);
            }
            return value.asText();
        }

        Integer integer(JsonNode node, List<String> table, String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isIntegralNumber()) {
                throw error(table, key, "expected a whole number", null);
            }
            return value.asInt();
        }

        List<String> strings(JsonNode node, List<String> table, String key) {
            JsonNode value = node.get(key);
            if (value == null || value.isNull()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            if (value.isTextual()) {
                for (String s : value.asText().trim().split("\\s+")) {
                    out.add(s);
                }
                return out;
            }
            if (!value.isArray()) {
                throw error(table, key, "expected a list of strings, e.g. [\"a\", \"b\"]", null);
            }
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw error(table, key, "expected a list of strings, e.g. [\"a\", \"b\"]", null);
                }
                out.add(item.asText());
            }
            return out;
        }
    }
}
