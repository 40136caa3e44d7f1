package io.oauthmail.server.proxy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation the proxy's connections use, both sides: BoringSSL through Netty's
 * netty-tcnative (its native library is in the bundled jar for Linux x86_64) where it loads, else the JDK's
 * SSLEngine. Why: a relayed single FETCH is latency-bound, and on a small machine the proxy's CPU per round trip
 * is that latency; the JDK engine's per-record work (and the JIT warm-up it needs) was most of it.
 *
 * <p>Trust is ours either way: the trust manager comes from core's {@code TlsTrust} (the JDK's CAs, plus a CA
 * file's), and the host name is checked by it (endpoint identification HTTPS) whichever engine asks. There is
 * no trust-everything path.
 *
 * <p>{@code -Doauthmail.proxy.tls=jdk} (in {@code OAUTHMAIL_JAVA_OPTS}) forces the JDK engine, as on a machine
 * where the native library cannot load; {@code openssl} insists on BoringSSL and fails if it is missing;
 * {@code auto} (the default) takes BoringSSL where it loads.
 */
final class ProxyTls {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyTls.class);

    static final String PROPERTY = "oauthmail.proxy.tls";
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ProxyTls() {
    }

    /** The provider the property asks for, BoringSSL by default where its native library loads. */
    static SslProvider provider() {
        String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=openssl, but netty-tcnative does not load here: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case "auto", "" -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + wanted + ": use auto, openssl or jdk");
        };
    }

    /** For the daemon's log: which one is in use, and why not BoringSSL where it is not. */
    static String name(SslProvider provider) {
        if (provider == SslProvider.OPENSSL) {
            return OpenSsl.versionString() + " (netty-tcnative)";
        }
        return "the JDK's engine (" + (OpenSsl.isAvailable() ? "-D" + PROPERTY + "=jdk"
                : "netty-tcnative does not load: " + OpenSsl.unavailabilityCause()) + ")";
    }

    /**
     * The upstream side: a client context trusting what {@code trust} trusts, checking the server's host name.
     * Engines come from {@code newHandler(alloc, host, port)}, so SNI and the name check see the server's name.
     */
    static SslContext client(TrustManager trust) {
        try {
            SslProvider provider = provider();
            SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider).trustManager(trust)
                    .endpointIdentificationAlgorithm("HTTPS").protocols(PROTOCOLS);
            if (provider == SslProvider.JDK) {
                builder.ciphers(jdkDefaultCiphers()); // as before: the JDK's own choice, not Netty's shorter list
            }
            SslContext context = builder.build();
            if (provider == SslProvider.JDK && !OpenSsl.isAvailable() && bundledHere()) {
                LOG.warn("proxy: TLS through {}; the proxy works, with more CPU per message", name(provider));
            } else {
                LOG.info("proxy: upstream TLS through {}", name(provider));
            }
            return context;
        } catch (SSLException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot set up TLS for the proxy's upstream connections: " + e.getMessage(), e);
        }
    }

    /** The local side: a server context presenting {@code key} and its {@code chain}. */
    static SslContext server(PrivateKey key, List<X509Certificate> chain) throws GeneralSecurityException {
        try {
            SslProvider provider = provider();
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain).sslProvider(provider).protocols(PROTOCOLS);
            if (provider == SslProvider.JDK) {
                builder.ciphers(jdkDefaultCiphers());
            }
            return builder.build();
        } catch (SSLException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** Linux on x86_64: where the bundled native library should load, so not loading is worth a warning. */
    private static boolean bundledHere() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").startsWith("Linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static List<String> jdkDefaultCiphers() throws NoSuchAlgorithmException {
        return Arrays.asList(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
    }
}
