/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.handshake.Arbiter;
import dev.jarl.handshake.Secret;
import dev.jarl.handshake.TestCookies;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.HandshakeResult;
import dev.jarl.term.NodeName;

/**
 * Two endpoints in one JVM over loopback: node {@code a} dials node {@code b}'s listener,
 * both run the real handshake over the UDP carrier, and each connection is handed to a
 * {@link TestChannel}. Each side's datagrams leave through its own {@link FaultyLink}.
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

    /** Any answer is "go ahead": these tests are not about arbitration. */
    static final Arbiter ARBITER = new Arbiter() {
        @Override
        public Status markPending(NodeName peer, long peerFlags, int peerCreation) {
            return Status.OK;
        }

        @Override
        public boolean isPending(NodeName peer) {
            return true;
        }

        @Override
        public void awaitPreviousDown(NodeName peer, Duration timeout) {
        }
    };

    final FaultyLink linkA;
    final FaultyLink linkB;
    final UdpListener listener;
    final UdpCarrier carrierA;
    UdpConnection a;
    UdpConnection b;
    final TestChannel chA = new TestChannel();
    final TestChannel chB = new TestChannel();
    HandshakeResult resultA;
    HandshakeResult resultB;

    UdpPair(UdpOptions optionsA, UdpOptions optionsB, FaultyLink linkA, FaultyLink linkB) throws Exception {
        this.linkA = linkA;
        this.linkB = linkB;
        listener = (UdpListener) new UdpCarrier(optionsB, linkB).listen(B);
        carrierA = new UdpCarrier(optionsA.withResolver(AddressResolver.fixed(
                new InetSocketAddress(LOOPBACK, listener.port().getAsInt()))), linkA);
        CompletableFuture<UdpConnection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                UdpConnection c = (UdpConnection) listener.accept();
                resultB = Handshake.accept(c, HandshakeConfig.of(B, TestCookies.of("udp"), 2), ARBITER);
                return c;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        a = (UdpConnection) carrierA.connect(B, Duration.ofSeconds(10));
        resultA = Handshake.initiate(a, HandshakeConfig.of(A, TestCookies.of("udp"), 1), B, ARBITER);
        b = accepted.get(20, TimeUnit.SECONDS);
        a.handshakeComplete(chA);
        b.handshakeComplete(chB);
    }

    /** A pair with the same options on both sides and clean links. */
    static UdpPair open(UdpOptions options) throws Exception {
        return new UdpPair(options, options, FaultyLink.clean(), FaultyLink.clean());
    }

    @Override
    public void close() {
        a.close();
        if (b != null) {
            b.close();
        }
        listener.close();
        linkA.close();
        linkB.close();
    }
}
