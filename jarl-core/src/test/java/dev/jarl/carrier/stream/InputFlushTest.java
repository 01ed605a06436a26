/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;


/**
 * Replies sent by handlers on the input thread over a real loopback TCP connection: the
 * input thread writes them itself once it has handed over what it read, before it reads
 * again ({@link StreamConnection#writeQueuedNoWait()}), so however soon one reply follows
 * the last the output thread is never woken; a flood of replies arrives whole and in
 * order; a long read batch does not hold its replies back; and a connection that ends
 * while a write is owed ends once, without hanging.
 */
@Timeout(30)
class InputFlushTest {

    private ServerSocketChannel server;
    private SocketChannel peer;
    private final HandlerChannel echo = new HandlerChannel();
    /** Runs on the input thread after the reply to the packet of this index (from 0) is queued. */
    private volatile IntConsumer afterReply = i -> { };
    private final AtomicInteger handed = new AtomicInteger();
    private StreamConnection connection;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        peer = server.accept();
        connection = new StreamConnection(new SocketChannelStream(client), "test", 2, 1 << 20);
        echo.connection = connection;
        // the handler answers every packet with the same bytes
        echo.onPacket = p -> {
            echo.reply(ByteBuffer.allocate(p.remaining()).put(p).flip());
            afterReply.accept(handed.getAndIncrement());
        };
        connection.preNodeup();
        connection.handshakeComplete(echo);
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        peer.close();
        server.close();
    }

    /** {@code count} framed 8-byte packets, numbered from {@code from}. */
    private static ByteBuffer requests(int from, int count) {
        ByteBuffer b = ByteBuffer.allocate(12 * count);
        for (int i = from; i < from + count; i++) {
            b.putInt(8).putInt(i).putInt(~i);
        }
        return b.flip();
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            peer.write(b);
        }
    }

    /** Reads {@code count} replies and checks they are the packets numbered from {@code from}, in order. */
    private void expectReplies(int from, int count) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12 * count);
        while (b.hasRemaining()) {
            if (peer.read(b) < 0) {
                throw new AssertionError("end of stream after " + b.position() / 12 + " of " + count + " replies");
            }
        }
        b.flip();
        for (int i = from; i < from + count; i++) {
            assertEquals(8, b.getInt(), "length of reply " + i);
            assertEquals(i, b.getInt(), "reply in order");
            assertEquals(~i, b.getInt(), "reply " + i + " intact");
        }
    }

    @Test
    void repliesFasterThanTheDirectGapNeverWakeTheOutputThread() throws Exception {
        // one request at a time, then two a time: the second reply follows the first by
        // much less than DIRECT_GAP_NANOS, and both are the input thread's to write
        int n = 0;
        for (int round = 0; round < 300; round++, n++) {
            write(requests(n, 1));
            expectReplies(n, 1);
        }
        for (int round = 0; round < 300; round++, n += 2) {
            write(requests(n, 2));
            expectReplies(n, 2);
        }
        assertEquals(0, echo.wakes.get(), "output thread woken");
        assertEquals(List.of(), echo.closedReasons);
    }

    @Test
    void aFloodOfRepliesArrivesWholeAndInOrder() throws Exception {
        int count = 50_000;
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                write(requests(0, count));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        expectReplies(0, count);
        sent.get(10, TimeUnit.SECONDS);
        assertEquals(0, echo.wakes.get(), "output thread woken");
        assertTrue(connection.writeCalls().get() < count, connection.writeCalls().get() + " writes for " + count + " replies");
        assertEquals(List.of(), echo.closedReasons);
    }

    @Test
    void aLongReadBatchDoesNotHoldItsRepliesBack() throws Exception {
        // the handler of a packet well inside one batch waits until the peer has the
        // replies before it: they must leave before the batch is handed over in full
        int holdAt = StreamConnection.FLUSH_PACKETS + 10;
        CountDownLatch peerHasThem = new CountDownLatch(1);
        afterReply = i -> {
            if (i == holdAt) {
                try {
                    peerHasThem.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        write(requests(0, holdAt + 20));
        expectReplies(0, StreamConnection.FLUSH_PACKETS);
        peerHasThem.countDown();
        expectReplies(StreamConnection.FLUSH_PACKETS, holdAt + 20 - StreamConnection.FLUSH_PACKETS);
    }

    @Test
    void aHandlerThatSendsManyMessagesDoesNotHoldThemUntilItReturns() throws Exception {
        // one request, many replies from one handler call, which then waits until the peer
        // has some of them: they must leave while it runs
        int many = 3 * StreamConnection.FLUSH_PACKETS;
        CountDownLatch peerHasSome = new CountDownLatch(1);
        echo.onPacket = p -> {
            int at = p.getInt(p.position());
            for (int i = 0; i < many; i++) {
                echo.reply(ByteBuffer.allocate(8).putInt(0, at + i).putInt(4, ~(at + i)));
            }
            try {
                peerHasSome.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        write(requests(0, 1));
        expectReplies(0, StreamConnection.FLUSH_PACKETS);
        peerHasSome.countDown();
        expectReplies(StreamConnection.FLUSH_PACKETS, many - StreamConnection.FLUSH_PACKETS);
    }

    @Test
    void aReplyOwedWhenThePeerClosesLeavesBeforeTheEnd() throws Exception {
        write(requests(0, 3));
        peer.shutdownOutput();
        expectReplies(0, 3);
        assertTrue(echo.closed.await(10, TimeUnit.SECONDS), "the end was not reported");
        assertEquals(-1, peer.read(ByteBuffer.allocate(1)));
        assertEquals(1, echo.closedReasons.size(), echo.closedReasons.toString());
    }

    @Test
    void aReplyOwedWhenAHandlerClosesTheConnectionLeavesBeforeTheEnd() throws Exception {
        afterReply = i -> {
            if (i == 1) {
                echo.connection.close();
            }
        };
        write(requests(0, 2));
        expectReplies(0, 2);
        assertTrue(echo.closed.await(10, TimeUnit.SECONDS), "the end was not reported");
        assertEquals(-1, peer.read(ByteBuffer.allocate(1)));
        assertEquals(List.of("closed locally"), echo.closedReasons);
    }

    @Test
    void aConnectionClosedElsewhereWhileAWriteIsOwedEndsOnce() throws Exception {
        CountDownLatch closedElsewhere = new CountDownLatch(1);
        CountDownLatch owing = new CountDownLatch(1);
        afterReply = i -> {
            owing.countDown();
            try {
                closedElsewhere.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        write(requests(0, 1));
        assertTrue(owing.await(10, TimeUnit.SECONDS), "the request was not handed over");
        connection.close();
        closedElsewhere.countDown();
        echo.input.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!echo.input.isAlive(), "the input thread did not end");
        assertEquals(List.of("closed locally"), echo.closedReasons);
    }

    @Test
    void aWriteErrorMetAtAHandOffEndsTheConnectionOnlyBetweenPackets() throws Exception {
        // a hand-off (writeDeferred) may come while the node holds a lock: a write error met
        // there is kept for the input thread's next turn between packets, which then fails
        CountDownLatch peerReset = new CountDownLatch(1);
        List<String> duringHandler = new java.util.concurrent.CopyOnWriteArrayList<>();
        afterReply = i -> {
            try {
                peerReset.await();
                for (int k = 0; k < 3; k++) {
                    echo.reply(ByteBuffer.allocate(8).putInt(0, k).putInt(4, ~k));
                    connection.writeDeferred();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            duringHandler.addAll(echo.closedReasons);
        };
        write(requests(0, 1));
        peer.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        peer.close();
        peerReset.countDown();
        assertTrue(echo.closed.await(10, TimeUnit.SECONDS), "the end was not reported");
        assertEquals(List.of(), duringHandler, "the connection failed inside the hand-off");
        assertEquals(1, echo.closedReasons.size(), echo.closedReasons.toString());
        assertTrue(echo.closedReasons.get(0).startsWith("write failed"), echo.closedReasons.toString());
    }
}
