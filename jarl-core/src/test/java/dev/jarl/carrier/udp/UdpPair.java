/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.jarl.carrier.CarrierPair;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.HandshakeResult;
import dev.jarl.handshake.TestCookies;
import dev.jarl.term.NodeName;

/**
 * Two endpoints in one JVM over loopback: node {@code a} dials node {@code b}'s listener,
 * both run the real handshake over the UDP carrier ({@link CarrierPair}), and each connection
 * is handed to a {@link QueueChannel}. Each side's datagrams leave through its own
 * {@link FaultyLink}.
 */
final class UdpPair implements AutoCloseable {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final NodeName A = NodeName.parse("a@localhost");
    static final NodeName B = NodeName.parse("b@localhost");

    /** Loopback-friendly: 10 ms minimum RTO, keepalive 200 ms, peer down after 2 s. */
    static UdpOptions options() {
        return UdpOptions.of(AddressResolver.fixed(null)).withBindAddress(LOOPBACK)
                .withRto(Duration.ofMillis(10), Duration.ofMillis(100))
                .withKeepalive(Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    final FaultyLink linkA;
    final FaultyLink linkB;
    final UdpListener listener;
    final UdpCarrier carrierA;
    final UdpConnection a;
    final UdpConnection b;
    final QueueChannel chA;
    final QueueChannel chB;
    final HandshakeResult resultA;
    final HandshakeResult resultB;

    UdpPair(UdpOptions optionsA, UdpOptions optionsB, FaultyLink linkA, FaultyLink linkB) throws Exception {
        this.linkA = linkA;
        this.linkB = linkB;
        listener = (UdpListener) new UdpCarrier(optionsB, linkB).listen(B);
        carrierA = new UdpCarrier(optionsA.withResolver(AddressResolver.fixed(
                new InetSocketAddress(LOOPBACK, listener.port().getAsInt()))), linkA);
        CarrierPair pair;
        try {
            pair = CarrierPair.connect(carrierA, HandshakeConfig.of(A, TestCookies.of("udp"), 1), listener,
                    HandshakeConfig.of(B, TestCookies.of("udp"), 2));
        } catch (Exception | Error e) {
            listener.close();
            throw e;
        }
        a = (UdpConnection) pair.client();
        b = (UdpConnection) pair.server();
        chA = pair.clientChannel();
        chB = pair.serverChannel();
        resultA = pair.clientResult();
        resultB = pair.serverResult();
    }

    /** A pair with the same options on both sides and clean links. */
    static UdpPair open(UdpOptions options) throws Exception {
        return new UdpPair(options, options, FaultyLink.clean(), FaultyLink.clean());
    }

    @Override
    public void close() {
        a.close();
        b.close();
        listener.close();
        linkA.close();
        linkB.close();
    }
}
