/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.stream.NewConnectionOptions;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.term.NodeName;

/** The TCP carrier; see the package comment. Thread-safe and stateless beyond its options. */
public final class TcpCarrier implements Carrier {

    /** The socket options {@link Listener#setOption} takes for new TCP connections. */
    public static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.IP_TOS);

    private final TcpOptions options;
    private final NewConnectionOptions newConnections = new NewConnectionOptions(OPTIONS);

    /** A carrier with these options. */
    public TcpCarrier(TcpOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Listener listen(NodeName self) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(options.bindAddress(), options.port()));
        } catch (IOException e) {
            server.close();
            throw new IOException("tcp listen for " + self + " on "
                    + (options.bindAddress() == null ? "*" : options.bindAddress().getHostAddress())
                    + ":" + options.port() + ": " + e.getMessage(), e);
        }
        return new TcpListener(server, options.maxPacketSize(), newConnections);
    }

    @Override
    public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress address = options.resolver().lookup("tcp", peer, timeout);
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(address, (int) Math.min(Integer.MAX_VALUE, left));
            TcpConnection connection = new TcpConnection(channel, options.maxPacketSize());
            connection.apply(newConnections);
            return connection;
        } catch (IOException e) {
            channel.close();
            throw new IOException("tcp connect to " + peer + " at " + address + ": " + e.getMessage(), e);
        }
    }

    /** True when the node's host resolves, as {@code inet_tcp_dist:select/1} checks. */
    @Override
    public boolean select(NodeName node) {
        return AddressResolver.hostResolves(node);
    }

    @Override
    public String toString() {
        return "TcpCarrier" + options;
    }
}
