/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.NanoClock;

/**
 * The input party of one UDP connection, a virtual thread of its own: it takes the in-order
 * segments the receive thread queued ({@link UdpConnection#takeQueued}), cuts them into
 * messages ({@link MessageReader}) and hands them to the channel, or, before the handshake
 * completed, to the inbox {@link #receiveHandshake} reads. The receive thread never decodes or
 * delivers, so a slow or failing input holds up no other connection of the socket; whatever
 * the input party meets, even an {@code Error}, ends its own connection only.
 *
 * <p>{@link #lock} guards the inbox, the reader and the hand-over of the channel; it is never
 * held while the channel takes a packet (which may block), so {@link #wake} never waits for
 * the channel. It may be held while the connection's lock is taken, never the other way round.
 */
final class InputParty {

    /** Most packets held for the handshake before the node takes the channel. */
    static final int MAX_INBOX = 65_536;

    private final UdpConnection connection;
    private final String peerText;
    private final ReentrantLock lock = new ReentrantLock();
    /** Wakes {@link #receiveHandshake}: a message in the inbox, a failure, a jump of the clock. */
    private final Condition inboxReady = lock.newCondition();
    private final MessageReader reader;
    private final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
    private final AtomicLong packets = new AtomicLong();
    private volatile DistChannel channel;
    private final Thread thread;

    /**
     * @param maxPacketSize the longest message accepted ({@link MessageReader})
     * @param name          the party's thread name
     */
    InputParty(UdpConnection connection, int maxPacketSize, String name) {
        this.connection = connection;
        this.peerText = connection.peerAddress();
        this.reader = new MessageReader(maxPacketSize);
        this.thread = Thread.ofVirtual().name(name).unstarted(this::run);
    }

    /** The connection, once established: starts the party. */
    void start() {
        thread.start();
    }

    /**
     * The handshake's thread: the next message in the inbox, waiting until {@code timeout}
     * has passed on {@code clock}.
     */
    byte[] receiveHandshake(Duration timeout, NanoClock clock) throws IOException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (inbox.isEmpty()) {
                connection.checkOpen();
                int overLong = reader.overLongBeforeHandshake();
                if (overLong > 0) {
                    String reason = "handshake message: " + overLong + " bytes (expected: at most "
                            + MessageReader.MAX_HANDSHAKE + ") from " + peerText;
                    connection.fail(reason, null, true);
                    throw new IOException(reason);
                }
                long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("handshake message from " + peerText + " within " + timeout);
                }
                inboxReady.awaitNanos(left);
            }
            ByteBuffer m = inbox.poll();
            byte[] bytes = new byte[m.remaining()];
            m.get(bytes);
            return bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("handshake receive from " + peerText + " interrupted");
        } finally {
            lock.unlock();
        }
    }

    /**
     * The node's thread completing the handshake, once: the inbox and every later packet go
     * to {@code ch}, from this party's thread only.
     *
     * @throws IllegalStateException when called twice
     */
    void handOver(DistChannel ch) {
        lock.lock();
        try {
            if (channel != null) {
                throw new IllegalStateException("handshakeComplete called twice");
            }
            for (ByteBuffer m; (m = inbox.poll()) != null; ) {
                ch.putData(m);
            }
            reader.authenticated(ch);
            ch.inputHandler(thread);
            channel = ch;
        } finally {
            lock.unlock();
        }
    }

    /** The channel handed over, or null before. Any thread. */
    DistChannel channel() {
        return channel;
    }

    /** Packets delivered (to the inbox or the channel), ticks included. Any thread. */
    long packets() {
        return packets.get();
    }

    /** Wakes {@link #receiveHandshake} to look again: the connection failed, or the clock jumped. Any thread. */
    void wake() {
        lock.lock();
        try {
            inboxReady.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The party's thread: takes and delivers until the connection ends; anything it meets ends the connection. */
    private void run() {
        List<ByteBuffer> chunks = new ArrayList<>();
        try {
            while (connection.takeQueued(chunks)) {
                deliver(chunks);
                chunks.clear();
            }
        } catch (InterruptedException e) {
            connection.fail("input interrupted", e, true);
        } catch (Throwable e) { // an Error in one connection's input must end that connection only
            connection.fail("input failed: " + e, e, true);
        }
    }

    /**
     * Cuts the in-order chunks into packets and hands them on. The party's thread. The
     * packets go to the channel outside {@link #lock}: a channel whose input blocks must not
     * hold up a thread that only wants to wake this party ({@link #wake}, from the clock or
     * from {@link UdpConnection#fail}). Order is kept all the same: only this thread delivers
     * once {@link #handOver} has emptied the inbox under the lock.
     */
    private void deliver(List<ByteBuffer> chunks) {
        List<ByteBuffer> out = new ArrayList<>();
        String error = null;
        Throwable cause = null;
        DistChannel ch;
        lock.lock();
        try {
            try {
                for (ByteBuffer chunk : chunks) {
                    reader.feed(chunk, out);
                }
            } catch (IllegalArgumentException e) {
                error = e.getMessage() + " from " + peerText;
                cause = new ProtocolException(error);
            }
            ch = channel;
            if (ch == null) {
                packets.addAndGet(out.size());
                inbox.addAll(out);
                if (!out.isEmpty() || reader.overLongBeforeHandshake() > 0) {
                    inboxReady.signalAll();
                }
                if (inbox.size() > MAX_INBOX && error == null) {
                    error = "packets before the handshake completed: " + inbox.size() + " (expected: at most "
                            + MAX_INBOX + ") from " + peerText;
                    cause = new ProtocolException(error);
                }
            }
        } catch (RuntimeException e) {
            error = "input failed: " + e;
            cause = e;
            ch = null;
        } finally {
            lock.unlock();
        }
        if (ch != null) {
            try {
                for (ByteBuffer p : out) {
                    packets.incrementAndGet();
                    ch.putData(p);
                }
            } catch (RuntimeException e) {
                if (error == null) {
                    error = "input failed: " + e;
                    cause = e;
                }
            }
        }
        if (error != null) {
            connection.fail(error, cause, true);
        }
    }
}
