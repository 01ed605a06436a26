/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.net.InetAddress;
import java.util.Objects;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.Listener;

/**
 * Options of the TCP carrier ({@link Carriers#tcp(TcpOptions)}).
 *
 * @param bindAddress   the address to listen on; null listens on every address, as
 *                      {@code inet_tcp_dist} does by default
 * @param port          the port to listen on; 0 picks a free one (OTP's default; the node
 *                      publishes {@link Listener#port()} in EPMD)
 * @param resolver      how {@link Carrier#connect} finds a peer's address
 * @param maxPacketSize the largest packet accepted after the handshake, in bytes; a longer
 *                      declared length closes the connection before anything is read or
 *                      allocated for it (default 512 MiB)
 */
public record TcpOptions(InetAddress bindAddress, int port, AddressResolver resolver, int maxPacketSize) {

    /** The default maximum packet size: 512 MiB. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 512 * 1024 * 1024;

    /** Checks the values. */
    public TcpOptions {
        Objects.requireNonNull(resolver, "resolver");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (maxPacketSize < 1) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: positive)");
        }
    }

    /**
     * OTP's defaults: listen on every address, any port, 512 MiB packets, peers found through
     * EPMD ({@link AddressResolver#epmd()}).
     */
    public static TcpOptions defaults() {
        return of(AddressResolver.epmd());
    }

    /** Listen on every address, any port, 512 MiB packets, peers found with {@code resolver}. */
    public static TcpOptions of(AddressResolver resolver) {
        return new TcpOptions(null, 0, resolver, DEFAULT_MAX_PACKET_SIZE);
    }

    /** These options listening on {@code address} (null: every address). */
    public TcpOptions withBindAddress(InetAddress address) {
        return new TcpOptions(address, port, resolver, maxPacketSize);
    }

    /** These options listening on {@code listenPort} (0: any free port). */
    public TcpOptions withPort(int listenPort) {
        return new TcpOptions(bindAddress, listenPort, resolver, maxPacketSize);
    }

    /** These options with another resolver. */
    public TcpOptions withResolver(AddressResolver other) {
        return new TcpOptions(bindAddress, port, other, maxPacketSize);
    }

    /** These options with another maximum packet size. */
    public TcpOptions withMaxPacketSize(int bytes) {
        return new TcpOptions(bindAddress, port, resolver, bytes);
    }
}
