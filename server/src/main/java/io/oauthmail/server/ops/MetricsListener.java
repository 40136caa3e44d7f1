package io.oauthmail.server.ops;

import io.oauthmail.error.OAuthMailException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * {@code oauthmail serve --metrics 127.0.0.1:9464}: {@code GET /metrics} over plain HTTP on a loopback port, because
 * Prometheus cannot scrape a Unix socket (the control socket serves the same text). It is the Prometheus client's own
 * exporter, on the JDK's HTTP server: a scrape is one small request, so that server is enough, and a second HTTP
 * stack for one path would not be. Loopback only: the counts tell who is active and when, and the port has no
 * login; an agent on the host forwards them.
 */
public final class MetricsListener implements AutoCloseable {

    private final HTTPServer server;
    private final String host;

    private MetricsListener(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Serves {@code metrics} on {@code address}, a loopback address; port 0 takes a free port. */
    public static MetricsListener start(DaemonMetrics metrics, InetSocketAddress address) {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new OAuthMailException("--metrics listens on loopback only, not " + address.getAddress().getHostAddress(),
                    "use e.g. --metrics 127.0.0.1:9464, and let an agent on this host forward the metrics");
        }
        try {
            return new MetricsListener(HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(metrics.registry()).buildAndStart(), address.getAddress().getHostAddress());
        } catch (IOException e) {
            throw new OAuthMailException("--metrics cannot listen on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage(), "choose another port, or stop what uses it", e);
        }
    }

    /** The port it listens on (the one asked for, or the free one found for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Where Prometheus scrapes, e.g. {@code http://127.0.0.1:9464/metrics}. */
    public String url() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.close();
    }
}
