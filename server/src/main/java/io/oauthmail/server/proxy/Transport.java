package io.oauthmail.server.proxy;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The sockets the proxy's event loops use: Linux epoll through Netty's native library where it loads (Linux on
 * x86_64, bundled), else the JDK's NIO. Why: a relayed IMAP round trip is two wake-ups of the proxy, and epoll
 * (edge-triggered, no selected-key sets) makes each cheaper; the single-FETCH bench is bound by exactly that.
 */
final class Transport {

    /** Whether the native epoll library loaded here; decided once, by the platform. */
    private static final boolean EPOLL = Epoll.isAvailable();

    private Transport() {
    }

    static IoHandlerFactory handlers() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends SocketChannel> channel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** For the daemon's log: which one is in use. */
    static String name() {
        return EPOLL ? "epoll" : "nio";
    }
}
