package io.oauthmail.cli.serve;

import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.accounts.LocalPasswordsFile;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.MailServer;
import io.oauthmail.server.proxy.ImapProxy;
import io.oauthmail.server.proxy.ListenerOptions;
import io.oauthmail.server.proxy.LocalCertificate;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.server.proxy.LocalTls;
import io.oauthmail.server.proxy.Pop3Proxy;
import io.oauthmail.server.proxy.Proxy;
import io.oauthmail.server.proxy.ProxyEvents;
import io.oauthmail.server.proxy.SmtpProxy;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the proxy listeners of {@code oauthmail serve}: the config's {@code [[listener]]} tables and the
 * {@code --listen PROTOCOL=HOST:PORT} flags (which share one {@code --tls} mode and certificate). Each serves its
 * accounts by login name; the certificate is the user's, or one generated certificate for every listener.
 */
final class ProxyListeners {

    private ProxyListeners() {
    }

    /** {@code --listen} flags as listeners, checked like the config's. */
    static List<ListenerSettings> fromFlags(List<String> flags, String tls, Path cert, Path key, int maxConnections) {
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
                throw new OAuthMailException("unknown proxy protocol '" + protocol + "'", "use smtp, imap or pop");
            }
            listeners.add(new ListenerSettings("--listen " + flag, protocol, flag.substring(eq + 1), Optional.empty(), tls,
                    Optional.ofNullable(cert), Optional.ofNullable(key), List.of(), maxConnections));
        }
        return listeners;
    }

    /**
     * Starts every listener, or none: a failure closes those already started. Returns a line per listener. Each
     * tells {@code events} (the daemon's metrics) of its sessions.
     */
    static List<String> start(List<ListenerSettings> listeners, List<Account> accounts, CliContext context, TokenManager tokens,
            List<Proxy> started, ProxyEvents events) {
        LocalPasswords passwords = new LocalPasswords(LocalPasswordsFile.of(context));
        LocalCertificate generated = null;
        List<String> lines = new ArrayList<>();
        for (ListenerSettings settings : listeners) {
            InetSocketAddress address = address(settings);
            LocalTls.Mode mode = LocalTls.Mode.parse(settings.tls());
            LocalTls tls = LocalTls.none();
            LocalCertificate certificate = null;
            if (mode != LocalTls.Mode.NONE) {
                if (settings.cert().isPresent()) {
                    certificate = LocalCertificate.load(settings.cert().get(), settings.key().orElseThrow());
                } else {
                    generated = generated != null ? generated : generate(listeners, context);
                    certificate = generated;
                }
                tls = LocalTls.of(mode, certificate);
            }
            Optional<MailServer> upstream = settings.upstream().map(MailServer::parse);
            ListenerOptions options = new ListenerOptions(settings.name(), address, tls, upstream, settings.maxConnections(),
                    events);
            Started proxy = start(settings, options, allowed(settings, accounts), passwords, tokens);
            started.add(proxy.proxy());
            lines.add(settings.protocol() + " on " + address.getAddress().getHostAddress() + ":" + proxy.port() + ", "
                    + (mode == LocalTls.Mode.NONE ? "no TLS"
                    : mode.name().toLowerCase(java.util.Locale.ROOT) + " TLS with " + certificate)
                    + upstream.map(server -> ", to " + server).orElse(", to each account's own server"));
        }
        return lines;
    }

    /** A running proxy and the port it took (the one asked for, or the free one found for port 0). */
    private record Started(Proxy proxy, int port) {
    }

    private static Started start(ListenerSettings settings, ListenerOptions options, Map<String, Account> accounts,
            LocalPasswords passwords, TokenManager tokens) {
        try {
            return switch (settings.protocol()) {
                case "smtp" -> {
                    SmtpProxy proxy = SmtpProxy.start(options, accounts, passwords, tokens);
                    yield new Started(proxy, proxy.port());
                }
                case "imap" -> {
                    ImapProxy proxy = ImapProxy.start(options, accounts, passwords, tokens);
                    yield new Started(proxy, proxy.port());
                }
                default -> {
                    Pop3Proxy proxy = Pop3Proxy.start(options, accounts, passwords, tokens);
                    yield new Started(proxy, proxy.port());
                }
            };
        } catch (IOException e) {
            throw new OAuthMailException(settings.name() + ": cannot listen on " + settings.listen() + ": " + e.getMessage(),
                    "choose another port, or stop what uses it", e);
        }
    }

    private static InetSocketAddress address(ListenerSettings settings) {
        int colon = settings.listen().lastIndexOf(':');
        try {
            return new InetSocketAddress(InetAddress.getByName(settings.listen().substring(0, colon)),
                    Integer.parseInt(settings.listen().substring(colon + 1)));
        } catch (NumberFormatException | IOException e) {
            throw new OAuthMailException(settings.name() + ": not a local HOST:PORT: " + settings.listen(),
                    "e.g. 127.0.0.1:1143", e);
        }
    }

    /** The accounts that may log in on this listener, by name. */
    private static Map<String, Account> allowed(ListenerSettings settings, List<Account> accounts) {
        Map<String, Account> byName = new LinkedHashMap<>();
        accounts.stream().filter(a -> settings.accounts().isEmpty() || settings.accounts().contains(a.name()))
                .forEach(a -> byName.put(a.name(), a));
        return byName;
    }

    /** One certificate naming every host a generated-certificate listener listens on (not the wildcard). */
    private static LocalCertificate generate(List<ListenerSettings> listeners, CliContext context) {
        Set<String> hosts = new LinkedHashSet<>();
        for (ListenerSettings settings : listeners) {
            String host = settings.listen().substring(0, settings.listen().lastIndexOf(':')).replaceAll("^\\[|\\]$", "");
            if (!settings.tls().equals("none") && settings.cert().isEmpty() && !Set.of("0.0.0.0", "::", "").contains(host)) {
                hosts.add(host);
            }
        }
        return LocalCertificate.generated(context.paths().stateDir().resolve("proxy-tls"), hosts, context.clock());
    }
}
