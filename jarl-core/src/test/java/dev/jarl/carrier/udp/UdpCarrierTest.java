/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.ManualClock;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.UdpOptions;

/** The UDP carrier between two endpoints on loopback, with the real handshake on top. */
class UdpCarrierTest {

    @Test
    void handshakeCompletesAndPacketsFlowBothWays() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            assertEquals(UdpPair.B, p.resultA.peer());
            assertEquals(UdpPair.A, p.resultB.peer());
            assertEquals(DistFlags.DEFAULT_OFFERED, p.resultA.agreedFlags());
            assertEquals(2, p.resultA.peerCreation());
            p.chA.send(new byte[] {1, 2, 3});
            p.chB.send(new byte[] {4});
            p.chA.send(new byte[] {5, 6});
            assertArrayEquals(new byte[] {1, 2, 3}, p.chB.next(5000));
            assertArrayEquals(new byte[] {5, 6}, p.chB.next(5000));
            assertArrayEquals(new byte[] {4}, p.chA.next(5000));
            assertTrue(p.a.peerAddress().startsWith("127.0.0.1:"), p.a.peerAddress());
        }
    }

    @Test
    void concurrentSendersAndLargePacketsArriveInOrderOnce() throws Exception {
        UdpOptions options = UdpPair.options().withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, 4 << 20);
        try (UdpPair p = UdpPair.open(options)) {
            List<byte[]> expected = new ArrayList<>();
            ReentrantLock order = new ReentrantLock();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                senders.add(Thread.ofVirtual().start(() -> {
                    Random r = new Random(id);
                    for (int i = 0; i < 5000; i++) {
                        int size = i % 1000 == 999 ? 300_000 + r.nextInt(3_000_000) : 1 + r.nextInt(200);
                        byte[] m = new byte[size];
                        r.nextBytes(m);
                        m[0] = (byte) id;
                        order.lock();
                        try {
                            p.chA.send(m);
                            expected.add(m);
                        } finally {
                            order.unlock();
                        }
                    }
                }));
            }
            for (Thread t : senders) {
                t.join();
            }
            byte[] last = {-1};
            p.chA.send(last);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), p.chB.next(20_000), "packet " + i);
            }
            assertArrayEquals(last, p.chB.next(20_000), "the packet sent after all others comes next, nothing before it");
            assertEquals(0, p.chA.ticks.get() + p.chB.ticks.get());
        }
    }

    @Test
    void ticksAreEmptyPacketsAndCounted() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            long sentBefore = p.a.stats().packetsSent();
            for (int i = 0; i < 5; i++) {
                p.a.tick();
                assertEquals(0, p.chB.next(5000).length, "tick " + i + " arrived as data");
            }
            assertEquals(5, p.chB.ticks.get());
            assertEquals(sentBefore + 5, p.a.stats().packetsSent());
            assertTrue(p.b.stats().packetsReceived() >= 5);
        }
    }

    @Test
    void closeFromInitiatorIsReportedOnceOnEachSide() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            p.a.close();
            p.a.close();
            assertTrue(p.chA.awaitClosed(5000));
            assertTrue(p.chB.awaitClosed(5000));
            QueueChannel.watchForLateReports();
            assertEquals(List.of("closed locally"), p.chA.closedReasons);
            assertEquals(List.of("closed by peer: closed locally"), p.chB.closedReasons);
        }
    }

    @Test
    void closeFromResponderIsReportedOnceOnEachSide() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            p.b.close();
            assertTrue(p.chB.awaitClosed(5000));
            assertTrue(p.chA.awaitClosed(5000));
            QueueChannel.watchForLateReports();
            assertEquals(List.of("closed locally"), p.chB.closedReasons);
            assertEquals(List.of("closed by peer: closed locally"), p.chA.closedReasons);
            assertTrue(p.a.isClosed());
        }
    }

    @Test
    void channelShutClosesTheConnection() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            p.chA.shut();
            assertTrue(p.chA.awaitClosed(5000));
            assertTrue(p.chB.awaitClosed(5000));
            assertEquals(List.of("channel closed"), p.chA.closedReasons);
        }
    }

    @Test
    void aSilentPeerIsDeclaredDownWhenTheIdleTimeoutHasPassedOnTheClock() throws Exception {
        ManualClock clockA = ManualClock.frozen();
        ManualClock clockB = ManualClock.frozen();
        try (UdpPair p = new UdpPair(UdpPair.options().withClock(clockA), UdpPair.options().withClock(clockB),
                FaultyLink.clean(), FaultyLink.clean())) {
            String silent = "peer silent for 2000 ms (expected: a datagram within the idle timeout 2000 ms)";
            p.linkA.blackhole = true; // a vanishes: b's keepalive pings go unanswered
            clockB.advance(Duration.ofMillis(1999));
            clockB.advance(Duration.ofMillis(1));
            assertTrue(p.chB.awaitClosed(5000), "b did not declare a down");
            assertEquals(List.of(silent), p.chB.closedReasons, "down at the idle timeout, not before");
            assertFalse(p.a.isClosed(), "b's end does not tell a (it assumes a gone)");
            // a may still take in a ping b sent before it gave up, after this advance (its input
            // thread is behind under load); then a's silence starts there: advance again
            boolean aDown = false;
            for (int step = 0; step < 5 && !aDown; step++) {
                clockA.advance(Duration.ofSeconds(2));
                aDown = p.chA.awaitClosed(2000);
            }
            assertTrue(aDown, "a hears nothing either once b is gone");
            assertEquals(List.of(silent), p.chA.closedReasons);
            assertEquals(0, clockA.watchers() + clockB.watchers(), "ended connections still wait on their clocks");
        }
    }

    @Test
    void listenerCloseStopsAcceptingAndKeepsConnections() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            p.listener.close();
            assertThrows(IOException.class, p.listener::accept);
            p.chA.send(new byte[] {7});
            assertArrayEquals(new byte[] {7}, p.chB.next(5000));
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> p.carrierA.connect(UdpPair.B, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().endsWith("refused: listener closed"), e.getMessage());
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused at once, not after the timeout");
        }
    }

    @Test
    void oversizedPacketClosesTheConnectionBeforeAllocating() throws Exception {
        UdpOptions small = UdpPair.options().withMaxPacketSize(1000);
        try (UdpPair p = new UdpPair(UdpPair.options(), small, FaultyLink.clean(), FaultyLink.clean())) {
            p.chA.send(new byte[1000]);
            assertEquals(1000, p.chB.next(5000).length);
            p.chA.send(new byte[1001]);
            assertTrue(p.chB.awaitClosed(5000));
            assertEquals("packet length: 1001 bytes (expected: at most 1000) from " + p.b.peerAddress(),
                    p.chB.closedReasons.get(0));
            assertTrue(p.chA.awaitClosed(5000));
        }
    }

    @Test
    void aChannelThatRefusesInputFailsOnlyItsConnection() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options())) {
            p.chB.refuseInput();
            p.chA.send(new byte[] {1});
            assertTrue(p.chB.awaitClosed(5000));
            assertEquals("input failed: java.lang.IllegalStateException: input refused", p.chB.closedReasons.get(0));
            assertTrue(p.chA.awaitClosed(5000), "the peer is told");
            try (UdpConnection again = (UdpConnection) p.carrierA.connect(UdpPair.B, Duration.ofSeconds(5))) {
                assertFalse(again.isClosed(), "the listener still answers");
            }
        }
    }

    @Test
    void hostileDatagramsAreDroppedAndTheConnectionGoesOn() throws Exception {
        try (UdpPair p = UdpPair.open(UdpPair.options());
             DatagramChannel raw = DatagramChannel.open()) {
            InetSocketAddress listener = new InetSocketAddress(UdpPair.LOOPBACK, p.listener.port().getAsInt());
            InetSocketAddress initiator = (InetSocketAddress) p.a.endpointAddress();
            Random r = new Random(7);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[r.nextInt(100)];
                r.nextBytes(junk);
                if (i % 2 == 0 && junk.length >= 12) {
                    ByteBuffer.wrap(junk).putShort((short) Datagram.MAGIC).put((byte) 1).put((byte) (1 + r.nextInt(8)));
                }
                raw.send(ByteBuffer.wrap(junk), i % 3 == 0 ? initiator : listener);
            }
            // A well-formed datagram for b's connection id from the wrong address.
            ByteBuffer forged = ByteBuffer.allocate(64);
            new Datagram.Close(p.b.localId, "forged").encode(forged);
            raw.send(forged.flip(), listener);
            p.chA.send(new byte[] {42});
            assertArrayEquals(new byte[] {42}, p.chB.next(5000));
            p.chB.send(new byte[] {43});
            assertArrayEquals(new byte[] {43}, p.chA.next(5000));
            assertTrue(p.listener.dropped.get() > 0);
            assertFalse(p.b.isClosed());
        }
    }

    @Test
    void factoryNamesTheCarrierAndListenerPublishesItsPort() throws Exception {
        Carrier carrier = Carriers.udp(UdpOptions.of(AddressResolver.fixed(null)).withBindAddress(UdpPair.LOOPBACK));
        assertEquals("udp", carrier.name());
        assertTrue(carrier.select(UdpPair.A));
        try (Listener l = carrier.listen(UdpPair.A)) {
            assertTrue(l.port().getAsInt() > 0);
            assertTrue(l.creation().isEmpty());
            assertEquals("127.0.0.1:" + l.port().getAsInt(), l.address());
        }
    }
}
