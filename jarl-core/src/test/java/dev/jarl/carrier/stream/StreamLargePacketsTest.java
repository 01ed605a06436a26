/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.QueueChannel;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The stream carriers' input for large packets (issue 22): fragment-sized packets read whole
 * into the read buffer and lent from there, small ones through the reused packet buffer,
 * larger ones into a buffer of their own, beyond the receive allowance into chunks joined
 * once; every byte unchanged and in order, whatever the sizes of the reads.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class StreamLargePacketsTest {

    /** A connection over {@code stream}, its controller running and feeding {@code ch}. */
    private static StreamConnection open(StreamAllowanceTest.FedStream stream, QueueChannel ch) throws Exception {
        StreamConnection c = new StreamConnection(stream, "test", 2, 512 << 20);
        c.preNodeup();
        c.handshakeComplete(ch);
        return c;
    }

    private static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Feeds {@code bytes} to {@code stream} in reads of the sizes {@code cuts} gives, in turn. */
    private static void feed(StreamAllowanceTest.FedStream stream, byte[] bytes, int... cuts) {
        int i = 0;
        for (int at = 0; at < bytes.length; i++) {
            int n = Math.min(bytes.length - at, cuts[i % cuts.length]);
            stream.chunks.add(Arrays.copyOfRange(bytes, at, at + n));
            at += n;
        }
    }

    /** As the TCP and Unix-socket streams: a direct read buffer, whose lent packets have no array. */
    static final class DirectFedStream extends StreamAllowanceTest.FedStream {
        @Override
        public ByteBuffer readBuffer(int capacity) {
            return ByteBuffer.allocateDirect(capacity);
        }
    }

    @Test
    void packetsOfEverySizeArriveWholeAndInOrderWhateverTheReads() throws Exception {
        packetsArriveWhole(false);
        packetsArriveWhole(true);
    }

    private static void packetsArriveWhole(boolean direct) throws Exception {
        int[] sizes = {3, StreamConnection.LEND_MIN, StreamConnection.LEND_MIN + 1, 65_554, 1, 65_554, 100_000,
            StreamConnection.LEND_MAX, StreamConnection.LEND_MAX + 1, 5, 300_000, 65_554, 65_554, 65_554, 65_554,
            65_554, 2, 131_000, 70_000, 40_000};
        for (int[] cuts : new int[][] {{7919, 100_003, 13}, {1 << 20}, {65_536}, {4, 65_554}}) {
            StreamAllowanceTest.FedStream stream = direct ? new DirectFedStream() : new StreamAllowanceTest.FedStream();
            QueueChannel ch = new QueueChannel();
            StreamConnection c = open(stream, ch);
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                byte[] p = random(sizes[i], i);
                sent.add(p);
                wire.writeBytes(header(p.length));
                wire.writeBytes(p);
            }
            feed(stream, wire.toByteArray(), cuts);
            for (int i = 0; i < sizes.length; i++) {
                assertArrayEquals(sent.get(i), ch.next(10_000), "packet " + i + " of " + sizes[i] + " bytes, reads "
                        + Arrays.toString(cuts) + (direct ? ", direct buffer" : ""));
            }
            assertEquals(sizes.length, c.stats().packetsReceived());
            c.close();
        }
    }

    @Test
    void aStreamThatEndsInsideALentPacketFailsTheConnectionSayingSo() throws Exception {
        StreamAllowanceTest.FedStream stream = new StreamAllowanceTest.FedStream();
        QueueChannel ch = new QueueChannel();
        StreamConnection c = open(stream, ch);
        stream.chunks.add(header(65_554));
        stream.chunks.add(new byte[1000]);
        stream.awaitHungryAfter(4 + 1000);
        stream.close();
        assertTrue(ch.awaitClosed(10_000));
        assertEquals(List.of("connection closed by peer inside a packet (1000 of 65554 bytes)"), ch.closedReasons);
    }
}
