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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.CarrierPair;
import dev.jarl.carrier.ManualClock;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.TestCookies;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Await;

/**
 * Review findings 5 and 8 (UDP half of 2): the connections of one listening socket share its
 * receive thread, and nothing one connection's input does reaches another. A connection
 * whose input blocks while three idle timeouts pass neither delays another's round trips nor
 * drops anyone (its own keepalives are still answered, and its sender waits at the advertised
 * window); an {@code Error} in one connection's input closes that connection only, and the
 * listener still accepts new ones. The idle timeouts pass on a shared clock the test
 * advances, one keepalive interval a step; round trips are timed in real time.
 */
@Timeout(60)
class UdpIsolationTest {

    private static final Duration KEEPALIVE = Duration.ofMillis(200);
    /** A peer silent for 1.5 s is down. */
    private static final Duration IDLE = Duration.ofMillis(1500);

    /** Every end's clock: it runs, and jumps when the test advances it. */
    private final ManualClock clock = ManualClock.running();

    /** Keepalive 200 ms, idle 1.5 s, a 1 MiB window (the held connection sends more than that). */
    private UdpOptions options() {
        return UdpPair.options().withKeepalive(KEEPALIVE, IDLE)
                .withDatagrams(UdpOptions.DEFAULT_DATAGRAM_SIZE, 1 << 20).withClock(clock);
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private UdpListener listener;

    /** Both ends of one connection, each with its channel. */
    private record Link(UdpConnection dialer, QueueChannel dialerChannel, UdpConnection responder,
                        QueueChannel responderChannel) {
    }

    private Link connect(int i) throws Exception {
        if (listener == null) {
            listener = (UdpListener) new UdpCarrier(options()).listen(UdpPair.B);
            open.add(listener);
        }
        UdpCarrier carrier = new UdpCarrier(options().withResolver(AddressResolver.fixed(
                new InetSocketAddress(UdpPair.LOOPBACK, listener.port().getAsInt()))));
        CarrierPair p = CarrierPair.connect(carrier, HandshakeConfig.of(NodeName.parse("a" + i + "@localhost"),
                TestCookies.of("udp"), 1), listener, HandshakeConfig.of(UdpPair.B, TestCookies.of("udp"), 2));
        open.add(p);
        return new Link((UdpConnection) p.client(), p.clientChannel(), (UdpConnection) p.server(), p.serverChannel());
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
            slow.responderChannel().holdInput(release);
            // more than the receive window while the input is held: the sender must wait, not lose
            int count = 64;
            for (int i = 0; i < count; i++) {
                slow.dialerChannel().send(packet(1, i, 32 * 1024));
            }
            long steps = 3 * IDLE.toNanos() / KEEPALIVE.toNanos() + 1;
            for (int round = 0; round < steps; round++) {
                clock.advance(KEEPALIVE);
                long stepped = clock.nanoTime();
                byte[] out = packet(2, round, 100);
                long sent = System.nanoTime();
                fast.dialerChannel().send(out);
                assertArrayEquals(out, fast.dialerChannel().next(1000), "round " + round);
                long ms = (System.nanoTime() - sent) / 1_000_000;
                assertTrue(ms < 500, "round " + round + " took " + ms + " ms while another connection's input was held");
                // both ends of the held connection ping after a keepalive interval of silence,
                // and each is answered by the other's receive thread, its input held or not
                int r = round;
                Await.until(Duration.ofSeconds(10), () -> slow.dialer().snapshot().lastReceived() - stepped >= 0
                        && slow.responder().snapshot().lastReceived() - stepped >= 0,
                        () -> "round " + r + ": the held connection's ends hear from each other");
            }
            assertFalse(slow.dialer().isClosed() || slow.responder().isClosed(), "the held connection was dropped");
            assertTrue(slow.dialer().snapshot().sender().bufferedBytes() > 0, "the sender waits at the window");
            slow.responderChannel().holdInput(null);
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
            failing.responderChannel().failNextInput(new OutOfMemoryError("injected into one connection's input"));
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
