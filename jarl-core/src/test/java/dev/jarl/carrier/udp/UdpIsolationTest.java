/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.handshake.Secret;
import dev.jarl.handshake.TestCookies;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.term.NodeName;

/**
 * Review findings 5 and 8 (UDP half of 2): the connections of one listening socket share its
 * receive thread, and nothing one connection's input does reaches another. A connection
 * whose input blocks for three idle timeouts neither delays another's round trips nor drops
 * anyone (its own keepalives are still answered, and its sender waits at the advertised
 * window); an {@code Error} in one connection's input closes that connection only, and the
 * listener still accepts new ones.
 */
@Timeout(60)
class UdpIsolationTest {

    /** Keepalive 200 ms, a peer silent for 1.5 s is down. */
    private static final Duration IDLE = Duration.ofMillis(1500);

    private static UdpOptions options() {
        return UdpPair.options().withKeepalive(Duration.ofMillis(200), IDLE);
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private UdpListener listener;

    /** Both ends of one connection, each with its channel. */
    private record Link(UdpConnection dialer, TestChannel dialerChannel, UdpConnection responder,
                        TestChannel responderChannel) {
    }

    private Link connect(int i) throws Exception {
        if (listener == null) {
            listener = (UdpListener) new UdpCarrier(options()).listen(UdpPair.B);
            open.add(listener);
        }
        NodeName self = NodeName.parse("a" + i + "@localhost");
        UdpCarrier carrier = new UdpCarrier(options().withResolver(AddressResolver.fixed(
                new InetSocketAddress(UdpPair.LOOPBACK, listener.port().getAsInt()))));
        CompletableFuture<UdpConnection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                UdpConnection c = (UdpConnection) listener.accept();
                Handshake.accept(c, HandshakeConfig.of(UdpPair.B, TestCookies.of("udp"), 2), UdpPair.ARBITER);
                return c;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        UdpConnection a = (UdpConnection) carrier.connect(UdpPair.B, Duration.ofSeconds(10));
        open.add(a::close);
        Handshake.initiate(a, HandshakeConfig.of(self, TestCookies.of("udp"), 1), UdpPair.B, UdpPair.ARBITER);
        UdpConnection b = accepted.get(20, TimeUnit.SECONDS);
        open.add(b::close);
        TestChannel chA = new TestChannel();
        TestChannel chB = new TestChannel();
        a.handshakeComplete(chA);
        b.handshakeComplete(chB);
        return new Link(a, chA, b, chB);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Answers every packet the responder receives with the same bytes, until the test ends. */
    private static Thread echo(Link l) {
        return Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    ByteBuffer p = l.responderChannel().received.take();
                    byte[] bytes = new byte[p.remaining()];
                    p.get(bytes);
                    l.responderChannel().send(bytes);
                }
            } catch (InterruptedException stop) {
                // test over
            }
        });
    }

    private static byte[] packet(int connection, int i, int size) {
        byte[] b = new byte[size];
        ByteBuffer.wrap(b).putInt(connection).putInt(i);
        for (int k = 8; k < size; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    @Test
    void aConnectionWhoseInputBlocksHoldsUpNoOther() throws Exception {
        Link slow = connect(1);
        Link fast = connect(2);
        Thread echo = echo(fast);
        CountDownLatch release = new CountDownLatch(1);
        try {
            slow.responderChannel().holdInput = release;
            // more than the receive window while the input is held: the sender must wait, not lose
            int count = 64;
            for (int i = 0; i < count; i++) {
                slow.dialerChannel().send(packet(1, i, 32 * 1024));
            }
            long heldUntil = System.nanoTime() + 3 * IDLE.toNanos();
            int rounds = 0;
            while (System.nanoTime() < heldUntil) {
                byte[] out = packet(2, rounds, 100);
                long sent = System.nanoTime();
                fast.dialerChannel().send(out);
                assertArrayEquals(out, fast.dialerChannel().next(1000), "round " + rounds);
                long ms = (System.nanoTime() - sent) / 1_000_000;
                assertTrue(ms < 500, "round " + rounds + " took " + ms + " ms while another connection's input was held");
                rounds++;
                Thread.sleep(20);
            }
            assertTrue(rounds > 50, "only " + rounds + " rounds");
            assertFalse(slow.dialer().isClosed() || slow.responder().isClosed(), "the held connection was dropped");
            slow.responderChannel().holdInput = null;
            release.countDown();
            for (int i = 0; i < count; i++) {
                ByteBuffer got = slow.responderChannel().received.poll(10, TimeUnit.SECONDS);
                assertEquals(ByteBuffer.wrap(packet(1, i, 32 * 1024)), got, "packet " + i + " of the held connection");
            }
            assertTrue(slow.responderChannel().closedReasons.isEmpty(), slow.responderChannel().closedReasons.toString());
            assertTrue(fast.responderChannel().closedReasons.isEmpty(), fast.responderChannel().closedReasons.toString());
        } finally {
            release.countDown();
            echo.interrupt();
        }
    }

    @Test
    void anErrorInOneConnectionsInputEndsThatConnectionOnly() throws Exception {
        Link failing = connect(1);
        Link other = connect(2);
        Thread echo = echo(other);
        try {
            failing.responderChannel().inputError = new OutOfMemoryError("injected into one connection's input");
            failing.dialerChannel().send(packet(1, 0, 100));
            assertTrue(failing.responderChannel().awaitClosed(5000), "the failing connection stayed up");
            assertTrue(failing.responderChannel().closedReasons.get(0).contains("OutOfMemoryError"),
                    failing.responderChannel().closedReasons.toString());
            for (int i = 0; i < 20; i++) {
                byte[] out = packet(2, i, 1000);
                other.dialerChannel().send(out);
                assertArrayEquals(out, other.dialerChannel().next(2000), "round " + i + " of the other connection");
            }
            Link fresh = connect(3);
            byte[] hello = packet(3, 0, 10);
            fresh.dialerChannel().send(hello);
            assertArrayEquals(hello, fresh.responderChannel().next(2000), "the listener no longer serves new connections");
            assertTrue(other.responderChannel().closedReasons.isEmpty());
        } finally {
            echo.interrupt();
        }
    }
}
