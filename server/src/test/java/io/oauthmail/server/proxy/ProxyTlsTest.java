package io.oauthmail.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.oauthmail.mail.TlsTrust;
import io.oauthmail.provider.MailServer;
import io.oauthmail.provider.TlsMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy's TLS in both engines, BoringSSL (where netty-tcnative loads) and the JDK's fallback: the upstream
 * side trusts a CA file's certificate and checks the host name, and refuses a certificate nobody vouches for or
 * one for another name; the local side serves its certificate. The upstream server here is a proxy listener's own
 * TLS ({@link LocalTls}), built with the engine under test too.
 */
class ProxyTlsTest {

    @TempDir
    static Path dir;
    private static LocalCertificate certificate;
    private static EventLoopGroup loops;
    private Channel server;

    @BeforeAll
    static void start() {
        certificate = LocalCertificate.generated(dir.resolve("cert"), List.of(), Clock.systemUTC()); // localhost, 127.0.0.1
        loops = new MultiThreadIoEventLoopGroup(1, Transport.handlers());
    }

    @AfterAll
    static void stop() {
        loops.shutdownGracefully();
    }

    @AfterEach
    void closeServer() {
        System.clearProperty(ProxyTls.PROPERTY);
        if (server != null) {
            server.close().syncUninterruptibly();
        }
    }

    /** A TLS server on {@code address} greeting with one line, with the local certificate, in the engine under test. */
    private int greeter(String address) {
        LocalTls tls = LocalTls.of(LocalTls.Mode.IMPLICIT, certificate);
        server = new ServerBootstrap().group(loops).channel(Transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(tls.serverHandler(channel.alloc(), false));
                        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                    ctx.writeAndFlush(Unpooled.copiedBuffer("* OK hello\r\n", StandardCharsets.US_ASCII));
                                }
                            }
                        });
                    }
                }).bind(new InetSocketAddress(address, 0)).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static void use(String engine) {
        if (engine.equals("openssl")) {
            assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
        }
        System.setProperty(ProxyTls.PROPERTY, engine);
    }

    private static UpstreamLink open(String host, int port, Path caFile) throws IOException {
        MailServer upstream = new MailServer(host, port, TlsMode.IMPLICIT);
        return UpstreamLink.open(loops.next(), upstream, ProxyTls.client(TlsTrust.trustManager(caFile)), 5_000);
    }

    /** The whole account of why the handshake failed (causes and suppressed ones): it must fail, for this reason. */
    private static String refusal(ThrowingCallable connect) {
        Throwable failure = catchThrowable(connect);
        assertThat(failure).isInstanceOf(IOException.class);
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aServerWhoseCertificateTheCaFileVouchesForAndThatNamesTheHostIsTalkedTo(String engine) throws Exception {
        use(engine);
        int port = greeter("127.0.0.1");
        try (UpstreamLink link = open("localhost", port, certificate.certFile())) {
            assertThat(link.readLine()).isEqualTo("* OK hello");
            String implementation = link.channel().pipeline().get(SslHandler.class).engine().getClass().getSimpleName();
            if (engine.equals("openssl")) {
                assertThat(implementation).contains("OpenSsl");
            } else {
                assertThat(implementation).doesNotContain("OpenSsl");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aCertificateForAnotherHostIsRefusedThoughItsCaIsTrusted(String engine) {
        use(engine);
        int port = greeter("127.0.0.2"); // loopback too, but the certificate names 127.0.0.1 and localhost only
        assertThat(refusal(() -> open("127.0.0.2", port, certificate.certFile()).close()))
                .contains("No subject alternative names matching IP address 127.0.0.2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aCertificateNoTrustedCaVouchesForIsRefused(String engine) {
        use(engine);
        int port = greeter("127.0.0.1");
        assertThat(refusal(() -> open("localhost", port, null).close())) // the JDK's CAs only
                .contains("unable to find valid certification path");
    }

    @Test
    void theJdkEngineIsTheFallbackAndAnUnknownChoiceIsAnError() {
        System.setProperty(ProxyTls.PROPERTY, "jdk");
        assertThat(ProxyTls.provider()).isEqualTo(io.netty.handler.ssl.SslProvider.JDK);
        System.setProperty(ProxyTls.PROPERTY, "auto");
        assertThat(ProxyTls.provider()).isEqualTo(OpenSsl.isAvailable()
                ? io.netty.handler.ssl.SslProvider.OPENSSL : io.netty.handler.ssl.SslProvider.JDK);
        System.setProperty(ProxyTls.PROPERTY, "gnutls");
        assertThatThrownBy(ProxyTls::provider).isInstanceOf(IllegalArgumentException.class);
    }
}
