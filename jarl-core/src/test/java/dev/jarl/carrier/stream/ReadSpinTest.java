/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.QueueChannel;
import dev.jarl.testing.Await;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The read spin ({@code NodeConfig.readSpin}, {@link ByteStream#spinForInput}): a reader
 * about to block polls the socket for a bounded time first. It ends as soon as bytes are
 * ready, at its bound when none come, at once when the stream cannot poll; a connection with
 * it on delivers its packets in order, and once idle its input thread blocks in the read and
 * burns no CPU.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class ReadSpinTest {

    /** A stream whose {@link #available()} answers from a script; reads are not used. */
    private static final class Polled extends StreamAllowanceTest.FedStream {
        final int[] answers;
        final AtomicInteger polls = new AtomicInteger();

        Polled(int... answers) {
            this.answers = answers;
        }

        @Override
        public int available() throws IOException {
            int i = polls.getAndIncrement();
            if (answers.length == 0) {
                throw new IOException("closed");
            }
            return answers[Math.min(i, answers.length - 1)];
        }
    }

    @Test
    void theSpinEndsWhenBytesAreReady() {
        Polled s = new Polled(0, 0, 0, 7);
        assertTrue(s.spinForInput(TimeUnit.SECONDS.toNanos(10)));
        assertEquals(4, s.polls.get());
    }

    @Test
    void theSpinEndsAtItsBoundWhenNothingComes() {
        Polled s = new Polled(0);
        long start = System.nanoTime();
        assertFalse(s.spinForInput(TimeUnit.MILLISECONDS.toNanos(2)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(2));
        assertTrue(s.polls.get() > 1, "polled " + s.polls.get() + " times");
    }

    @Test
    void aStreamThatCannotPollDoesNotSpin() {
        Polled s = new Polled(-1);
        assertFalse(s.spinForInput(TimeUnit.SECONDS.toNanos(10)));
        assertEquals(1, s.polls.get());
        // the interface's default: cannot tell
        assertFalse(new StreamAllowanceTest.FedStream().spinForInput(TimeUnit.SECONDS.toNanos(10)));
    }

    @Test
    void aFailedPollEndsTheSpinSoTheReadReportsIt() {
        Polled s = new Polled();
        assertTrue(s.spinForInput(TimeUnit.SECONDS.toNanos(10)));
        assertEquals(1, s.polls.get());
    }

    @Test
    void aTcpStreamTellsWhatIsBuffered() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            SocketChannelStream stream = new SocketChannelStream(client);
            assertEquals(0, stream.available());
            peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
            assertTrue(stream.spinForInput(TimeUnit.SECONDS.toNanos(10)));
            assertEquals(5, stream.available());
        }
        // a Unix domain stream cannot tell (-1): StreamOptionsTest.unixSocket
    }

    /** A TCP stream that counts the spins that found bytes and tells whether its reader is inside a read. */
    private static final class Watched implements ByteStream {
        final SocketChannelStream inner;
        final AtomicInteger spinsThatFoundBytes = new AtomicInteger();
        volatile boolean inRead;

        Watched(SocketChannelStream inner) {
            this.inner = inner;
        }

        @Override
        public boolean spinForInput(long nanos) {
            boolean found = ByteStream.super.spinForInput(nanos);
            if (found) {
                spinsThatFoundBytes.incrementAndGet();
            }
            return found;
        }

        @Override
        public int available() throws IOException {
            return inner.available();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            inRead = true;
            try {
                return inner.read(dst);
            } finally {
                inRead = false;
            }
        }

        @Override
        public int read(byte[] into, int off, int len, long timeoutMillis) throws IOException {
            return inner.read(into, off, len, timeoutMillis);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return inner.write(srcs, offset, length);
        }

        @Override
        public String peerAddress() {
            return inner.peerAddress();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    private static byte[] packet(int i) {
        return ByteBuffer.allocate(8).putInt(4).putInt(i).array();
    }

    @Test
    void withTheSpinOnPacketsArriveInOrderAndAnIdleReaderBlocks() throws Exception {
        long spin = TimeUnit.MILLISECONDS.toNanos(10); // the most NodeConfig allows
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel peer = server.accept()) {
            Watched stream = new Watched(new SocketChannelStream(client));
            StreamConnection c = new StreamConnection(stream, "test", 2, 1 << 20);
            QueueChannel ch = new QueueChannel().readSpin(spin);
            c.preNodeup();
            c.handshakeComplete(ch);
            // request and reply: each packet is written once the last one arrived, so the
            // reader is waiting for it, within its spin or past it
            for (int i = 0; i < 200; i++) {
                peer.write(ByteBuffer.wrap(packet(i)));
                assertEquals(i, ByteBuffer.wrap(ch.next(5000)).getInt());
            }
            // a burst, many packets a read
            ByteBuffer burst = ByteBuffer.allocate(8 * 5000);
            for (int i = 200; i < 5200; i++) {
                burst.put(packet(i));
            }
            burst.flip();
            while (burst.hasRemaining()) {
                peer.write(burst);
            }
            for (int i = 200; i < 5200; i++) {
                assertEquals(i, ByteBuffer.wrap(ch.next(5000)).getInt());
            }
            assertTrue(stream.spinsThatFoundBytes.get() > 0, "no packet was found by a spin");

            // idle: past its spin the reader blocks in the read, and stays there without CPU
            Thread reader = ch.inputThread();
            Await.until(Duration.ofSeconds(10), () -> stream.inRead && inNativeRead(reader),
                    () -> "the idle reader is not blocked in a read: " + java.util.Arrays.toString(reader.getStackTrace()));
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpu = mx.getThreadCpuTime(reader.threadId());
            Await.holdsFor(Duration.ofMillis(100), () -> stream.inRead, () -> "the idle reader left its read");
            long used = mx.getThreadCpuTime(reader.threadId()) - cpu;
            assertTrue(used < spin / 2, "the idle reader used " + used + " ns of CPU in 100 ms");
            c.close();
        }
    }

    /** Whether {@code t} is in a native method (the blocking read), not spinning in Java code. */
    private static boolean inNativeRead(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        if (stack.length == 0 || !stack[0].isNativeMethod()) {
            return false;
        }
        for (StackTraceElement e : stack) {
            if (e.getMethodName().equals("spinForInput")) {
                return false;
            }
        }
        return true;
    }
}
