/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.term.NodeName;

/** The UDP carrier; see the package comment. Thread-safe and stateless beyond its options. */
public final class UdpCarrier implements Carrier {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final UdpOptions options;
    private final Link link;

    /** A carrier with these options. */
    public UdpCarrier(UdpOptions options) {
        this(options, Link.DIRECT);
    }

    /** A carrier whose datagrams leave through {@code link} (fault injection in tests). */
    UdpCarrier(UdpOptions options, Link link) {
        this.options = Objects.requireNonNull(options, "options");
        this.link = Objects.requireNonNull(link, "link");
    }

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public Listener listen(NodeName self) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(new InetSocketAddress(options.bindAddress(), options.port()));
            UdpListener listener = new UdpListener(channel, link, options);
            listener.start();
            return listener;
        } catch (IOException e) {
            channel.close();
            throw new IOException("udp listen for " + self + " on "
                    + (options.bindAddress() == null ? "*" : options.bindAddress().getHostAddress())
                    + ":" + options.port() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Resolves the peer, opens a socket of its own connected to the peer's address, and runs
     * the connection set-up (request, retry, request with token, accept) within
     * {@code timeout}.
     */
    @Override
    public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
        long deadline = options.clock().nanoTime() + timeout.toNanos();
        InetSocketAddress address = options.resolver().lookup("udp", peer, timeout);
        DatagramChannel channel = DatagramChannel.open();
        InitiatorEndpoint endpoint = null;
        try {
            channel.bind(new InetSocketAddress(options.bindAddress(), 0));
            channel.connect(address);
            endpoint = new InitiatorEndpoint(channel, link, options.clock());
            long id;
            do {
                id = RANDOM.nextLong();
            } while (id == 0);
            UdpConnection connection = new UdpConnection(endpoint, address, id, 0, true, options);
            endpoint.attach(connection);
            endpoint.start();
            connection.dial(Duration.ofNanos(Math.max(1, deadline - options.clock().nanoTime())));
            return connection;
        } catch (IOException e) {
            channel.close();
            throw new IOException("udp connect to " + peer + " at " + address + ": " + e.getMessage(), e);
        }
    }

    /** True when the node's host resolves. */
    @Override
    public boolean select(NodeName node) {
        return AddressResolver.hostResolves(node);
    }

    @Override
    public String toString() {
        return "UdpCarrier" + options;
    }
}
