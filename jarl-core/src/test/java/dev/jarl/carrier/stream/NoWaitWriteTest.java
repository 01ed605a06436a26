/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.testing.Await;

/**
 * The input thread's direct write ({@link StreamConnection#writeQueuedNoWait()}): it never
 * makes a blocking write; what the transport does not take at once is written later, by a
 * flusher or the output thread, before anything queued after it, so the bytes on the wire
 * are exactly the packets in queue order. The input thread makes the write once it has
 * handed over what it read, before its next read.
 */
@Timeout(30)
class NoWaitWriteTest {

    /** A stream whose non-blocking writes take at most {@code budget} bytes in all; blocking writes take everything. */
    private static class ThrottledStream implements ByteStream {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        final List<String> blockingWriters = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        /** What reads deliver, one element a read; an empty one is the end of the stream. */
        final LinkedBlockingDeque<byte[]> incoming = new LinkedBlockingDeque<>();
        long budget;

        ThrottledStream(long budget) {
            this.budget = budget;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            byte[] in;
            try {
                in = incoming.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            if (in.length == 0) {
                incoming.addFirst(in);
                return -1;
            }
            dst.put(in);
            return in.length;
        }

        @Override
        public int read(byte[] into, int off, int len, long timeoutMillis) {
            return -1;
        }

        @Override
        public synchronized long write(ByteBuffer[] srcs, int offset, int length) {
            blockingWriters.add(Thread.currentThread().getName());
            return take(srcs, offset, length, Long.MAX_VALUE);
        }

        @Override
        public boolean canWriteNoWait() {
            return true;
        }

        @Override
        public synchronized long writeNoWait(ByteBuffer[] srcs, int offset, int length) {
            long n = take(srcs, offset, length, budget);
            budget -= n;
            return n;
        }

        private long take(ByteBuffer[] srcs, int offset, int length, long max) {
            long n = 0;
            for (int i = offset; i < offset + length && n < max; i++) {
                while (srcs[i].hasRemaining() && n < max) {
                    wire.write(srcs[i].get());
                    n++;
                }
            }
            return n;
        }

        synchronized byte[] bytes() {
            return wire.toByteArray();
        }

        @Override
        public String peerAddress() {
            return "test:0";
        }

        @Override
        public void close() {
            incoming.add(new byte[0]);
            closed.countDown();
        }
    }

    private static ByteBuffer packet(int size, int fill) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (fill + i);
        }
        return ByteBuffer.wrap(b);
    }

    private static byte[] framed(ByteBuffer... packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer p : packets) {
            int n = p.remaining();
            out.write(n >>> 24);
            out.write(n >>> 16);
            out.write(n >>> 8);
            out.write(n);
            out.write(p.array(), p.arrayOffset() + p.position(), n);
        }
        return out.toByteArray();
    }

    private static StreamConnection connected(ThrottledStream stream, HandlerChannel queue) throws IOException {
        StreamConnection c = new StreamConnection(stream, "test", 2, 1 << 20);
        c.preNodeup();
        c.handshakeComplete(queue);
        return c;
    }

    @Test
    void aPartialWriteIsFinishedOffTheInputThreadBeforeLaterPackets() throws Exception {
        for (long budget : new long[] {0, 3, 4, 57, 10_000}) {
            ThrottledStream stream = new ThrottledStream(budget);
            HandlerChannel queue = new HandlerChannel();
            ByteBuffer first = packet(300, 1);
            ByteBuffer second = packet(20, 2);
            ByteBuffer third = packet(9000, 3);
            byte[] expected = framed(first.duplicate(), second.duplicate(), third.duplicate());
            // a handler on the input thread replies twice to the one packet read, as a node's would:
            // the first reply finds the queue empty and is the input thread's to write
            List<Boolean> taken = new CopyOnWriteArrayList<>();
            CountDownLatch handed = new CountDownLatch(1);
            queue.onPacket = p -> {
                queue.packets.add(first);
                taken.add(queue.connection.writeQueuedNoWait());
                queue.packets.add(second);
                handed.countDown();
            };
            StreamConnection c = connected(stream, queue);
            queue.connection = c;
            // the output party must be waiting first, or under load it may take the packets itself
            Await.until(java.time.Duration.ofSeconds(10), () -> queue.waiting, () -> "the output party never waited");
            stream.incoming.add(framed(packet(8, 9)));
            assertTrue(handed.await(10, TimeUnit.SECONDS), "the packet was not handed over");
            assertEquals(List.of(true), taken, "the queued packet was taken (budget " + budget + ")");
            queue.add(third);
            Await.until(java.time.Duration.ofSeconds(10), () -> stream.bytes().length == expected.length,
                    () -> stream.bytes().length + " of " + expected.length + " bytes (budget " + budget + ")");
            assertArrayEquals(expected, stream.bytes(), "bytes in queue order (budget " + budget + ")");
            assertFalse(stream.blockingWriters.stream().anyMatch(n -> n.endsWith("-in")),
                    "a blocking write on the input thread: " + stream.blockingWriters);
            assertEquals(List.of(), queue.closedReasons);
            c.close();
        }
    }

    @Test
    void aStreamWithoutNonBlockingWritesDeclines() throws Exception {
        ThrottledStream stream = new ThrottledStream(0) {
            @Override
            public boolean canWriteNoWait() {
                return false;
            }
        };
        HandlerChannel queue = new HandlerChannel();
        LinkedBlockingDeque<Boolean> taken = new LinkedBlockingDeque<>();
        queue.onPacket = p -> {
            queue.packets.add(packet(10, 1));
            taken.add(queue.connection.writeQueuedNoWait());
        };
        StreamConnection c = connected(stream, queue);
        queue.connection = c;
        // the output party must be waiting first, or under load it may take the packet itself
        Await.until(java.time.Duration.ofSeconds(10), () -> queue.waiting, () -> "the output party never waited");
        stream.incoming.add(framed(packet(8, 9)));
        assertEquals(Boolean.FALSE, taken.poll(10, TimeUnit.SECONDS));
        assertEquals(0, stream.bytes().length);
        c.close();
        stream.closed.await(5, TimeUnit.SECONDS);
    }
}
