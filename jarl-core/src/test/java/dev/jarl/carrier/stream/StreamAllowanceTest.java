/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.QueueChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Memory follows bytes on stream carriers (TCP, TLS, UDS share this input path; review
 * finding 6, probe P5): a 4-byte header claiming 500 MiB and then silence costs at most the
 * connection's receive allowance, while a packet within the allowance is read in place.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class StreamAllowanceTest {

    /** A stream fed by the test, one chunk per read. */
    static class FedStream implements ByteStream {
        final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        /** Each time a read finds no bytes left to give: how many it had handed out by then. */
        final BlockingQueue<Long> hungry = new LinkedBlockingQueue<>();
        private byte[] current;
        private int at;
        private long delivered;
        private volatile boolean closed;

        @Override
        public int read(ByteBuffer dst) throws IOException {
            try {
                while (current == null || at == current.length) {
                    if (closed) {
                        return -1;
                    }
                    at = 0;
                    current = chunks.poll();
                    if (current == null) {
                        hungry.add(delivered);
                        current = chunks.poll(50, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            int n = Math.min(dst.remaining(), current.length - at);
            dst.put(current, at, n);
            at += n;
            delivered += n;
            return n;
        }

        /** Waits until a read asked for more after {@code bytes} bytes were handed out in all. */
        void awaitHungryAfter(long bytes) throws InterruptedException {
            while (true) {
                Long at = hungry.poll(10, TimeUnit.SECONDS);
                if (at == null) {
                    throw new AssertionError("the reader did not ask for more after " + bytes + " bytes");
                }
                if (at >= bytes) {
                    return;
                }
            }
        }

        @Override
        public int read(byte[] into, int off, int len, long timeoutMillis) throws IOException {
            throw new IOException("no handshake in this test");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            return n;
        }

        @Override
        public ByteBuffer readBuffer(int capacity) {
            return ByteBuffer.allocate(capacity);
        }

        @Override
        public String peerAddress() {
            return "fed";
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static byte[] header(int length) {
        return ByteBuffer.allocate(4).putInt(length).array();
    }

    private static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aClaimOf500MiBCostsAtMostTheAllowanceWhileItsBytesAreAwaited() throws Exception {
        FedStream stream = new FedStream();
        StreamConnection c = new StreamConnection(stream, "test", 2, 512 << 20);
        QueueChannel ch = new QueueChannel();
        c.preNodeup();
        c.handshakeComplete(ch);
        // one packet in first, so the input thread has made its reused buffers
        stream.chunks.add(header(3));
        stream.chunks.add(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, ch.next(5000));
        long before = heapAfterGc();
        stream.chunks.add(header(500 << 20));
        stream.chunks.add(new byte[1000]);
        // every byte sent is read and the reader waits for the rest: what it holds for the claim is held now
        stream.awaitHungryAfter(4 + 3 + 4 + 1000);
        long held = heapAfterGc() - before;
        assertTrue(held <= DistChannel.DEFAULT_RECEIVE_ALLOWANCE,
                "a 500 MiB claim with 1000 bytes sent holds " + held + " bytes of heap");
        c.close();
    }

    @Test
    void packetsWithinAndBeyondTheAllowanceArriveWhole() throws Exception {
        FedStream stream = new FedStream();
        StreamConnection c = new StreamConnection(stream, "test", 2, 512 << 20);
        QueueChannel ch = new QueueChannel();
        c.preNodeup();
        c.handshakeComplete(ch);
        for (int size : new int[] {300_000, 20 << 20}) {
            byte[] packet = new byte[size];
            for (int i = 0; i < size; i++) {
                packet[i] = (byte) (i * 7 + size);
            }
            stream.chunks.add(header(size));
            for (int at = 0; at < size; at += 100_000) {
                stream.chunks.add(java.util.Arrays.copyOfRange(packet, at, Math.min(size, at + 100_000)));
            }
            assertArrayEquals(packet, ch.next(20_000), "packet of " + size + " bytes");
        }
        c.close();
    }
}
