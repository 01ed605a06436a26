/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;

/**
 * Review finding 8 for a stream connection's own threads: a tick writer that meets an
 * {@code Error} must end its connection with the reason, not die alone and leave a
 * connection that never ticks again.
 */
@Timeout(30)
class StreamConnectionFaultTest {

    /** A stream whose reads wait until it is closed and whose every write fails as a full heap would. */
    private static final class FailingStream implements ByteStream {
        private final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public int read(ByteBuffer dst) throws IOException {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }

        @Override
        public int read(byte[] into, int off, int len, long timeoutMillis) {
            return -1;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new OutOfMemoryError("injected into a write");
        }

        @Override
        public String peerAddress() {
            return "test:0";
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    /** A channel with nothing to send that records how it closed. */
    private static final class Recorder implements DistChannel {
        volatile String reason;
        final CountDownLatch down = new CountDownLatch(1);

        @Override
        public ByteBuffer getData() {
            return null;
        }

        @Override
        public boolean awaitData() throws InterruptedException {
            down.await();
            return false;
        }

        @Override
        public void inputHandler(Thread handler) {
        }

        @Override
        public void putData(ByteBuffer packet) {
        }

        @Override
        public void closed(ConnectionFate fate) {
            reason = fate.detail();
            down.countDown();
        }
    }

    @Test
    void aTickWriterThatMeetsAnErrorEndsItsConnection() throws Exception {
        StreamConnection c = new StreamConnection(new FailingStream(), "test", 2, 1 << 20);
        c.preNodeup();
        Recorder ch = new Recorder();
        c.handshakeComplete(ch);
        c.tick();
        assertTrue(ch.down.await(10, TimeUnit.SECONDS), "the connection stayed up with a dead tick writer");
        assertTrue(ch.reason.startsWith("tick writer failed: java.lang.OutOfMemoryError"), ch.reason);
    }
}
