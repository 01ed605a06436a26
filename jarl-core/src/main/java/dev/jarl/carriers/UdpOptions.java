/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.NanoClock;

/**
 * Options of the UDP carrier ({@link Carriers#udp(UdpOptions)}); the wire protocol is
 * described in {@code docs/udp-carrier.md}.
 *
 * @param bindAddress       the address to listen and dial from; null means every address
 * @param port              the UDP port to listen on; 0 picks a free one (the node publishes
 *                          {@link Listener#port()} in EPMD)
 * @param resolver          how {@link Carrier#connect} finds a peer's UDP address
 * @param maxPacketSize     the largest distribution packet accepted, in bytes; a longer
 *                          declared length closes the connection before anything is allocated
 *                          for it (default 512 MiB, as for TCP)
 * @param maxDatagramSize   the largest datagram this side sends, in bytes (UDP payload):
 *                          {@value #DEFAULT_DATAGRAM_SIZE} fits the usual 1500-byte Ethernet
 *                          MTU; {@value #LOOPBACK_DATAGRAM_SIZE} suits loopback; at least
 *                          {@value #MIN_DATAGRAM_SIZE} (the padded size of a connection request)
 * @param windowBytes       receive buffer for datagrams that arrive out of order; the receive
 *                          window advertised to the peer is this divided by
 *                          {@code maxDatagramSize} (at least 4 datagrams); the same figure bounds
 *                          the data queued for sending
 * @param minRto            the lowest retransmission timeout (RFC 6298 says 1 s; Jarl defaults
 *                          to 200 ms as Linux TCP does; loopback tests use a few milliseconds)
 * @param initialRto        the retransmission timeout before any round trip was measured,
 *                          also the first retry interval of a connection request (default 1 s)
 * @param keepaliveInterval how long a connection may send nothing before it sends a keepalive
 *                          ping (default 5 s)
 * @param idleTimeout       how long a connection may receive nothing before the peer is
 *                          declared down (default 30 s)
 * @param clock             the clock every timer of the carrier follows
 *                          ({@link NanoClock#SYSTEM}; tests pass one they advance)
 */
public record UdpOptions(InetAddress bindAddress, int port, AddressResolver resolver, int maxPacketSize,
                         int maxDatagramSize, int windowBytes, Duration minRto, Duration initialRto,
                         Duration keepaliveInterval, Duration idleTimeout, NanoClock clock) {

    /** The default maximum packet size: 512 MiB. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 512 * 1024 * 1024;
    /** The default datagram size: fits a 1500-byte MTU with IPv6 and UDP headers to spare. */
    public static final int DEFAULT_DATAGRAM_SIZE = 1400;
    /** A datagram size for loopback, below the 65,507 bytes an IPv4 UDP datagram can carry. */
    public static final int LOOPBACK_DATAGRAM_SIZE = 65_000;
    /** The smallest datagram size: a connection request is padded to this many bytes. */
    public static final int MIN_DATAGRAM_SIZE = 1200;
    /** The largest datagram size: the UDP payload limit over IPv4. */
    public static final int MAX_DATAGRAM_SIZE = 65_507;
    /** The default receive window: 4 MiB. */
    public static final int DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;

    /** Checks the values. */
    public UdpOptions {
        Objects.requireNonNull(resolver, "resolver");
        Objects.requireNonNull(minRto, "minRto");
        Objects.requireNonNull(initialRto, "initialRto");
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(clock, "clock");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (maxPacketSize < 1) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: positive)");
        }
        if (maxDatagramSize < MIN_DATAGRAM_SIZE || maxDatagramSize > MAX_DATAGRAM_SIZE) {
            throw new IllegalArgumentException("maxDatagramSize: " + maxDatagramSize + " (expected: "
                    + MIN_DATAGRAM_SIZE + ".." + MAX_DATAGRAM_SIZE + ")");
        }
        if (windowBytes < maxDatagramSize) {
            throw new IllegalArgumentException("windowBytes: " + windowBytes + " (expected: at least maxDatagramSize "
                    + maxDatagramSize + ")");
        }
        if (minRto.toMillis() < 1 || minRto.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("minRto: " + minRto + " (expected: 1 ms..60 s)");
        }
        if (initialRto.compareTo(minRto) < 0 || initialRto.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("initialRto: " + initialRto + " (expected: minRto " + minRto + "..60 s)");
        }
        if (keepaliveInterval.toMillis() < 1) {
            throw new IllegalArgumentException("keepaliveInterval: " + keepaliveInterval + " (expected: at least 1 ms)");
        }
        if (idleTimeout.compareTo(keepaliveInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("idleTimeout: " + idleTimeout
                    + " (expected: at least twice keepaliveInterval " + keepaliveInterval + ")");
        }
    }

    /**
     * The defaults of {@link #of(AddressResolver)} with peers found through EPMD
     * ({@link AddressResolver#epmd()}): the node registers its UDP port there as a TCP node
     * registers its TCP port.
     */
    public static UdpOptions defaults() {
        return of(AddressResolver.epmd());
    }

    /**
     * Listen on every address, any port, 512 MiB packets, {@value #DEFAULT_DATAGRAM_SIZE}-byte
     * datagrams, a 4 MiB window, RTO from 200 ms (1 s before the first measurement),
     * keepalive every 5 s, peer down after 30 s of silence, the system clock; peers found with
     * {@code resolver}.
     */
    public static UdpOptions of(AddressResolver resolver) {
        return new UdpOptions(null, 0, resolver, DEFAULT_MAX_PACKET_SIZE, DEFAULT_DATAGRAM_SIZE,
                DEFAULT_WINDOW_BYTES, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(30), NanoClock.SYSTEM);
    }

    /** These options listening on {@code address} (null: every address). */
    public UdpOptions withBindAddress(InetAddress address) {
        return new UdpOptions(address, port, resolver, maxPacketSize, maxDatagramSize, windowBytes, minRto,
                initialRto, keepaliveInterval, idleTimeout, clock);
    }

    /** These options listening on {@code listenPort} (0: any free port). */
    public UdpOptions withPort(int listenPort) {
        return new UdpOptions(bindAddress, listenPort, resolver, maxPacketSize, maxDatagramSize, windowBytes,
                minRto, initialRto, keepaliveInterval, idleTimeout, clock);
    }

    /** These options with another resolver. */
    public UdpOptions withResolver(AddressResolver other) {
        return new UdpOptions(bindAddress, port, other, maxPacketSize, maxDatagramSize, windowBytes, minRto,
                initialRto, keepaliveInterval, idleTimeout, clock);
    }

    /** These options with another maximum packet size. */
    public UdpOptions withMaxPacketSize(int bytes) {
        return new UdpOptions(bindAddress, port, resolver, bytes, maxDatagramSize, windowBytes, minRto,
                initialRto, keepaliveInterval, idleTimeout, clock);
    }

    /**
     * These options with another datagram size and window, for example
     * {@code withDatagrams(LOOPBACK_DATAGRAM_SIZE, 8 << 20)} on loopback.
     */
    public UdpOptions withDatagrams(int datagramSize, int window) {
        return new UdpOptions(bindAddress, port, resolver, maxPacketSize, datagramSize, window, minRto,
                initialRto, keepaliveInterval, idleTimeout, clock);
    }

    /** These options with other retransmission timeout bounds. */
    public UdpOptions withRto(Duration min, Duration initial) {
        return new UdpOptions(bindAddress, port, resolver, maxPacketSize, maxDatagramSize, windowBytes, min,
                initial, keepaliveInterval, idleTimeout, clock);
    }

    /** These options with another keepalive interval and idle timeout. */
    public UdpOptions withKeepalive(Duration interval, Duration idle) {
        return new UdpOptions(bindAddress, port, resolver, maxPacketSize, maxDatagramSize, windowBytes, minRto,
                initialRto, interval, idle, clock);
    }

    /** These options with another clock for the carrier's timers (a test clock it advances, say). */
    public UdpOptions withClock(NanoClock other) {
        return new UdpOptions(bindAddress, port, resolver, maxPacketSize, maxDatagramSize, windowBytes, minRto,
                initialRto, keepaliveInterval, idleTimeout, other);
    }
}
