/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.udp.Datagram.Ack;
import dev.jarl.carrier.udp.Datagram.MalformedDatagramException;
import dev.jarl.carrier.udp.Datagram.Range;

/** Datagram codec: round trips, every truncation, bad fields; the message framer; RTO arithmetic. */
class DatagramTest {

    static final List<Datagram> SAMPLES = List.of(
            new Datagram.Initial(0x1122334455667788L, new byte[24], Datagram.MIN_INITIAL),
            new Datagram.Retry(7, new byte[] {1, 2, 3}),
            new Datagram.Accept(7, 9),
            new Datagram.Data(7, 5, 3, 100, 12345, ByteBuffer.wrap(new byte[] {9, 8, 7})),
            new Ack(7, 10, 64, 99, 5, List.of(new Range(12, 14), new Range(20, 21))),
            new Datagram.Ping(7),
            new Datagram.Close(7, "bye"),
            new Datagram.CloseAck(7));

    static ByteBuffer encode(Datagram d) {
        ByteBuffer b = ByteBuffer.allocate(2048);
        d.encode(b);
        return b.flip();
    }

    @Test
    void everyTypeRoundTrips() {
        for (Datagram d : SAMPLES) {
            ByteBuffer bytes = encode(d);
            Datagram back = Datagram.decode(bytes.duplicate());
            assertEquals(d.getClass(), back.getClass());
            assertEquals(d.destination(), back.destination());
            assertEquals(bytes, encode(back), d.toString());
        }
        Ack ack = (Ack) Datagram.decode(encode(SAMPLES.get(4)));
        assertEquals(List.of(new Range(12, 14), new Range(20, 21)), ack.ranges());
        assertEquals(38, encode(new Datagram.Retry(1, new byte[RetryTokens.LENGTH])).remaining());
    }

    @Test
    void everyTruncationIsMalformedNeverAnotherException() {
        for (Datagram d : SAMPLES) {
            ByteBuffer bytes = encode(d);
            int whole = bytes.remaining();
            for (int n = 0; n < whole; n++) {
                ByteBuffer cut = bytes.duplicate().limit(n);
                if (d instanceof Datagram.Data && n >= Datagram.DATA_HEADER
                        || d instanceof Datagram.Close && n >= Datagram.HEADER + 2 + 3
                        || (d instanceof Datagram.Ping || d instanceof Datagram.CloseAck) && n >= Datagram.HEADER) {
                    Datagram.decode(cut);
                    continue;
                }
                assertThrows(MalformedDatagramException.class, () -> Datagram.decode(cut), d + " cut at " + n);
            }
        }
    }

    @Test
    void randomBytesNeverThrowAnythingButMalformed() {
        Random r = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length >= 4 && r.nextBoolean()) {
                ByteBuffer.wrap(b).putShort((short) Datagram.MAGIC).put((byte) 1).put((byte) r.nextInt(10));
            }
            try {
                Datagram.decode(ByteBuffer.wrap(b));
            } catch (MalformedDatagramException expected) {
                // dropped by the receiver
            }
        }
    }

    @Test
    void badFieldsAreNamed() {
        ByteBuffer b = encode(new Datagram.Ping(1));
        b.put(2, (byte) 9);
        assertEquals("version: 9 (expected: 1) at offset 2",
                assertThrows(MalformedDatagramException.class, () -> Datagram.decode(b)).getMessage());
        ByteBuffer ranges = encode(new Ack(7, 10, 64, 99, 5, List.of(new Range(12, 14), new Range(20, 21))));
        ranges.putInt(42, 3);
        assertTrue(assertThrows(MalformedDatagramException.class, () -> Datagram.decode(ranges)).getMessage()
                .startsWith("ack range 1: start 13 length 1 (expected: above 14"));
        ByteBuffer shortInitial = encode(new Datagram.Initial(1, new byte[0], 1199));
        assertEquals("initial length: 1199 (expected: at least 1200)",
                assertThrows(MalformedDatagramException.class, () -> Datagram.decode(shortInitial)).getMessage());
    }

    @Test
    void messageReaderJoinsEverySplitAndChecksTheLimitFirst() {
        byte[] stream = {0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 1, 4};
        for (int split = 0; split <= stream.length; split++) {
            MessageReader reader = new MessageReader(10);
            List<ByteBuffer> out = new ArrayList<>();
            reader.feed(ByteBuffer.wrap(stream, 0, split), out);
            reader.feed(ByteBuffer.wrap(stream, split, stream.length - split), out);
            assertEquals(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.allocate(0),
                    ByteBuffer.wrap(new byte[] {4})), out, "split at " + split);
        }
        MessageReader reader = new MessageReader(10);
        assertEquals("packet length: 4294967295 bytes (expected: at most 10)", assertThrows(IllegalArgumentException.class,
                () -> reader.feed(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1}), new ArrayList<>())).getMessage());
    }

    @Test
    void rtoFollowsRfc6298() {
        RttEstimator rtt = new RttEstimator(200_000_000L, 1_000_000_000L);
        assertEquals(1_000_000_000L, rtt.rto());
        rtt.sample(100_000_000L);
        assertEquals(100_000_000L, rtt.srtt());
        assertEquals(300_000_000L, rtt.rto());
        rtt.sample(100_000_000L);
        assertEquals(250_000_000L, rtt.rto(), "RTTVAR = 3/4 * 50 ms, RTO = 100 + 4 * 37.5 ms");
        rtt.backOff();
        assertEquals(500_000_000L, rtt.rto());
        for (int i = 0; i < 40; i++) {
            rtt.backOff();
        }
        assertEquals(RttEstimator.MAX_RTO, rtt.rto());
        RttEstimator fast = new RttEstimator(10_000_000L, 100_000_000L);
        fast.sample(50_000L);
        assertEquals(10_000_000L, fast.rto());
    }

    @Test
    void aLongCloseReasonIsCutOnACharacterBoundary() {
        // found by UdpDatagramFuzzTest: the reason was cut inside a UTF-8 sequence
        String reason = "x" + "\u00e9".repeat(300);
        ByteBuffer out = ByteBuffer.allocate(2000);
        new Datagram.Close(7, reason).encode(out);
        Datagram.Close back = (Datagram.Close) Datagram.decode(out.flip());
        assertEquals("x" + "\u00e9".repeat(255), back.reason());
    }
}
