package io.oauthmail.server.proxy;

import io.oauthmail.account.Account;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.config.OAuthMailPaths;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.provider.MailServer;
import io.oauthmail.token.TokenManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the proxy listeners of the daemon: the config's {@code [[listener]]} tables and the {@code --listen} flags
 * (which share one {@code --tls} mode and certificate). Each serves its accounts by login name; the certificate is
 * the user's, or one generated certificate, kept in the state folder, for every listener.
 */
public final class ProxyListeners {

    private ProxyListeners() {
    }

    /**
     * Starts a listener of a protocol this package does not serve itself ({@code relay}), on the same terms: its
     * address checked, the same certificate, the daemon's local passwords and their throttle.
     */
    @FunctionalInterface
    public interface OtherListener {
        /** {@code certificate}: empty when {@code settings.tls()} is {@code none}. */
        Proxy start(ListenerSettings settings, InetSocketAddress address, Optional<LocalCertificate> certificate,
                Map<String, Account> accounts, LocalPasswords passwords) throws IOException;
    }

    /** Without a relay: a {@code relay} listener is refused. */
    public static List<String> start(List<ListenerSettings> listeners, List<Account> accounts, OAuthMailPaths paths,
            Clock clock, TokenManager tokens, List<Proxy> started, ProxyEvents events) {
        return start(listeners, accounts, paths, clock, tokens, started, events, Map.of());
    }

    /**
     * Starts every listener, or none: a failure closes those already started. Returns a line per listener. Each
     * tells {@code events} (the daemon's metrics) of its sessions; {@code others} start the protocols this package
     * does not serve, by protocol name.
     */
    public static List<String> start(List<ListenerSettings> listeners, List<Account> accounts, OAuthMailPaths paths,
            Clock clock, TokenManager tokens, List<Proxy> started, ProxyEvents events, Map<String, OtherListener> others) {
        LocalPasswords passwords = new LocalPasswords(paths.localPasswordsFile());
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
                    generated = generated != null ? generated : generate(listeners, paths, clock);
                    certificate = generated;
                }
                tls = LocalTls.of(mode, certificate);
            }
            Optional<MailServer> upstream = settings.upstream().map(MailServer::parse);
            ListenerOptions options = new ListenerOptions(settings.name(), address, tls, upstream, settings.maxConnections(),
                    events);
            Started proxy = others.containsKey(settings.protocol())
                    ? other(others.get(settings.protocol()), settings, address, certificate, allowed(settings, accounts), passwords)
                    : start(settings, options, allowed(settings, accounts), passwords, tokens);
            started.add(proxy.proxy());
            lines.add(settings.protocol() + " on " + address.getAddress().getHostAddress() + ":" + proxy.port() + ", "
                    + (mode == LocalTls.Mode.NONE ? "no TLS"
                    : mode.name().toLowerCase(java.util.Locale.ROOT) + " TLS with " + certificate)
                    + (others.containsKey(settings.protocol()) ? ", queued for delivery"
                    : upstream.map(server -> ", to " + server).orElse(", to each account's own server")));
        }
        return lines;
    }

    /** A running proxy and the port it took (the one asked for, or the free one found for port 0). */
    private record Started(Proxy proxy, int port) {
    }

    private static Started other(OtherListener starter, ListenerSettings settings, InetSocketAddress address,
            LocalCertificate certificate, Map<String, Account> accounts, LocalPasswords passwords) {
        try {
            Proxy proxy = starter.start(settings, address, Optional.ofNullable(certificate), accounts, passwords);
            return new Started(proxy, proxy.port());
        } catch (IOException e) {
            throw cannotListen(settings, e);
        }
    }

    private static OAuthMailException cannotListen(ListenerSettings settings, IOException e) {
        return new OAuthMailException(settings.name() + ": cannot listen on " + settings.listen() + ": " + e.getMessage(),
                "choose another port, or stop what uses it", e);
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
                case "pop" -> {
                    Pop3Proxy proxy = Pop3Proxy.start(options, accounts, passwords, tokens);
                    yield new Started(proxy, proxy.port());
                }
                default -> throw new OAuthMailException(settings.name() + ": a " + settings.protocol()
                        + " listener runs only in the daemon", "start it with oauthmail serve");
            };
        } catch (IOException e) {
            throw cannotListen(settings, e);
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
    private static LocalCertificate generate(List<ListenerSettings> listeners, OAuthMailPaths paths, Clock clock) {
        Set<String> hosts = new LinkedHashSet<>();
        for (ListenerSettings settings : listeners) {
            String host = settings.listen().substring(0, settings.listen().lastIndexOf(':')).replaceAll("^\\[|\\]$", "");
            if (!settings.tls().equals("none") && settings.cert().isEmpty() && !Set.of("0.0.0.0", "::", "").contains(host)) {
                hosts.add(host);
            }
        }
        return LocalCertificate.generated(paths.stateDir().resolve("proxy-tls"), hosts, clock);
    }
}
