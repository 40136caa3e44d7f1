package io.oauthmail.server.relay;

import io.oauthmail.account.Account;
import io.oauthmail.config.ListenerSettings;
import io.oauthmail.error.OAuthMailException;
import io.oauthmail.server.proxy.LocalCertificate;
import io.oauthmail.server.proxy.LocalPasswords;
import io.oauthmail.server.proxy.LoginCheck;
import io.oauthmail.server.proxy.Proxy;
import io.oauthmail.server.relay.RelayQueue.Entry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A {@code relay} listener: an SMTP server (SubEthaSMTP, a thread per client) that takes mail from local programs
 * and devices and queues it in a {@link RelayQueue}; delivery happens later, elsewhere. Clients log in with the
 * proxy's local passwords (AUTH PLAIN or LOGIN, the same throttle), or come from an {@code allow_unauthenticated}
 * network. Like the proxy, it listens beyond loopback only with local TLS (STARTTLS required before anything else,
 * or TLS from the first byte).
 */
public final class RelayListener implements Proxy {

    /** As RFC 5321 4.5.3.2 suggests for the wait on a client's next line (it names 5 minutes and up). */
    private static final int CLIENT_TIMEOUT_MINUTES = 5;
    /** RFC 5321 4.5.3.1.8: at least 100 must be taken; a printer sends to a few. */
    private static final int MAX_RECIPIENTS = 1000;

    private final SMTPServer server;

    private RelayListener(SMTPServer server) {
        this.server = server;
    }

    /**
     * Starts listening as {@code settings} say, queueing into {@code queue} and telling {@code accepted} of each
     * message queued (after it is durable, before the client hears 250).
     *
     * @param certificate the local certificate when {@code settings.tls()} is not {@code none}
     * @param accounts    the accounts that may send here, by name
     */
    public static RelayListener start(ListenerSettings settings, InetSocketAddress address, Optional<LocalCertificate> certificate,
            Map<String, Account> accounts, LocalPasswords passwords, RelayQueue queue, Consumer<Entry> accepted, Clock clock)
            throws IOException {
        if (!address.getAddress().isLoopbackAddress() && settings.tls().equals("none")) {
            throw new OAuthMailException(settings.name() + ": listening on " + address.getAddress().getHostAddress()
                    + " without TLS would send passwords and mail across the network in the clear",
                    "give it local TLS (tls = \"starttls\" or \"implicit\" in the config, --tls starttls with --listen),"
                            + " or listen on 127.0.0.1");
        }
        ListenerSettings.Relay relay = settings.relay();
        RelaySession.Shared shared = new RelaySession.Shared(queue,
                new RelaySenders(accounts, relay.account(), relay.allowUnauthenticated()), relay.maxMessageSize(), accepted, clock);
        LoginCheck logins = new LoginCheck(accounts, passwords, "relay");
        SMTPServer.Builder builder = SMTPServer.port(address.getPort())
                .bindAddress(address.getAddress())
                .softwareName("oauthmail relay")
                .messageHandlerFactory(context -> new RelaySession(shared, context))
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((name, password, context) -> {
                    InetSocketAddress client = (InetSocketAddress) context.getRemoteAddress();
                    if (logins.login(name, password, client.getAddress()) == null) {
                        throw new LoginFailedException();
                    }
                }))
                .maxMessageSize((int) Math.min(Integer.MAX_VALUE, relay.maxMessageSize()))
                .maxRecipients(MAX_RECIPIENTS)
                .maxConnections(settings.maxConnections())
                .connectionTimeout(CLIENT_TIMEOUT_MINUTES, TimeUnit.MINUTES)
                .insertReceivedHeaders();
        if (certificate.isPresent() && settings.tls().equals("implicit")) {
            builder.serverSocketFactory(tls(certificate.get()));
        } else if (certificate.isPresent()) {
            builder.enableTLS().requireTLS().startTlsSocketFactory(tls(certificate.get()));
        }
        SMTPServer server = builder.build();
        try {
            server.start();
        } catch (RuntimeException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new RelayListener(server);
    }

    private static SSLContext tls(LocalCertificate certificate) {
        char[] password = new char[0]; // an in-memory key store: nothing is written, so nothing to protect
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(certificate.keyStore(password), password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the relay's TLS context from " + certificate.certFile(), e);
        }
    }

    @Override
    public int port() {
        return server.getPortAllocated();
    }

    /**
     * SubEthaSMTP cannot stop accepting while its sessions go on, so a reload ends them: a message whose DATA was
     * cut short is not queued and its client sends it again, as SMTP clients do.
     */
    @Override
    public void stopAccepting() {
        server.stop();
    }

    @Override
    public void close() {
        server.stop();
    }
}
