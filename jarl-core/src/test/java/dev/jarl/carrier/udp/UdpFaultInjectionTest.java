/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.UdpOptions;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The carrier's promise over a link that loses 10 %, duplicates 5 % and reorders 5 % of
 * the datagrams in each direction: 200,000 messages and a 32 MB packet arrive complete, in
 * order, once. The timeout only guards against a hang.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class UdpFaultInjectionTest {

    static final long SEED = Long.getLong("jarl.udp.seed", 20261124L);
    /** Shorter than any message: sent after all of them. */
    private static final byte[] LAST = {0};

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void messagesAndA32MbPacketSurviveLossDuplicationAndReordering() throws Exception {
        System.out.println("seed " + SEED);
        UdpOptions options = UdpPair.options().withDatagrams(8192, 2 << 20);
        try (UdpPair p = new UdpPair(options, options, new FaultyLink(SEED, 0.10, 0.05, 0.05, 0),
                new FaultyLink(SEED + 1, 0.10, 0.05, 0.05, 0))) {
            int count = 200_000;
            byte[] big = new byte[32 << 20];
            new Random(SEED).nextBytes(big);
            long start = System.nanoTime();
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < count; i++) {
                    p.chA.send(message(i));
                    if (i == count / 2) {
                        p.chA.send(big);
                    }
                }
            });
            Thread replies = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    p.chB.send(message(i));
                }
            });
            for (int i = 0; i < count; i++) {
                ByteBuffer m = p.chB.received.poll(30, TimeUnit.SECONDS);
                assertEquals(ByteBuffer.wrap(message(i)), m, "message " + i);
                if (i == count / 2) {
                    ByteBuffer b = p.chB.received.poll(30, TimeUnit.SECONDS);
                    assertTrue(b != null && b.remaining() == big.length, "32 MB packet");
                    byte[] got = new byte[big.length];
                    b.get(got);
                    assertArrayEquals(big, got);
                }
            }
            for (int i = 0; i < 1000; i++) {
                assertEquals(ByteBuffer.wrap(message(i)), p.chA.received.poll(30, TimeUnit.SECONDS), "reply " + i);
            }
            sender.join();
            replies.join();
            long millis = (System.nanoTime() - start) / 1_000_000;
            // a packet sent after all others comes next in each direction: nothing extra came before it
            p.chA.send(LAST);
            p.chB.send(LAST);
            assertEquals(ByteBuffer.wrap(LAST), p.chB.received.poll(30, TimeUnit.SECONDS), "a -> b: nothing extra");
            assertEquals(ByteBuffer.wrap(LAST), p.chA.received.poll(30, TimeUnit.SECONDS), "b -> a: nothing extra");
            System.out.printf("200000 messages + 32 MB in %d ms; a->b link: %s; b->a link: %s%n", millis, p.linkA, p.linkB);
            System.out.printf("a: %s%nb: %s%n", UdpProbe.counters(p.a), UdpProbe.counters(p.b));
            assertTrue(p.linkA.dropped.get() > 0 && p.linkA.duplicated.get() > 0 && p.linkA.reordered.get() > 0);
        }
    }

    static byte[] message(int i) {
        byte[] m = new byte[8 + i % 64];
        ByteBuffer.wrap(m).putInt(i).putInt(~i);
        return m;
    }
}
