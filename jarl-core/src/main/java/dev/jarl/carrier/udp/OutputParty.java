/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.DistChannel;

/**
 * The writers of one UDP connection: the handshake's caller, then the output party that
 * drains the channel, and the node's ticker. Each frames whole packets (a 4-byte length,
 * then the bytes) into the open segment while it holds {@link #lock}, cuts the segment when
 * it is full or when it has nothing more to write, and queues it with the connection
 * ({@link UdpConnection#queue}), which may make it wait while the send buffer is full. So a
 * packet is never split by another's, and small packets share segments under load while none
 * waits when nothing is behind it ({@code docs/udp-carrier.md} section 5).
 *
 * <p>{@link #lock} is taken before the connection's lock, never after it.
 */
final class OutputParty {

    /** The most packets the output party frames per hold of {@link #lock}. */
    static final int BURST = 4096;

    private final UdpConnection connection;
    private final String name;
    private final int maxPayload;
    /** Keeps packets whole in the stream; guards {@link #open} and {@link #fill}. */
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] open;
    private int fill;
    private final AtomicLong packets = new AtomicLong();
    private volatile DistChannel channel;
    private volatile Thread thread;

    /**
     * @param maxPayload the bytes a segment carries (datagram size less the {@code DATA} header)
     * @param name       the output party's thread name
     */
    OutputParty(UdpConnection connection, int maxPayload, String name) {
        this.connection = connection;
        this.maxPayload = maxPayload;
        this.name = name;
        this.open = new byte[maxPayload];
    }

    /** The handshake's thread: one handshake message into the stream, cut at once. */
    void sendHandshake(byte[] message) throws IOException {
        lock.lock();
        try {
            append(ByteBuffer.wrap(message));
            cut(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("handshake send to " + connection.peerAddress() + " interrupted");
        } finally {
            lock.unlock();
        }
    }

    /** The node's thread completing the handshake, once: starts the output party draining {@code ch}. */
    void start(DistChannel ch) {
        channel = ch;
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> run(ch));
        thread = t;
        t.start();
    }

    /** {@link UdpConnection#fail}: wakes the output party, which may wait in the channel's {@code awaitData}. */
    void interrupt() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    /**
     * The node's ticker: an empty packet, unless the output party has not started, another
     * writer holds the stream (the line is not idle then) or the send buffer is full. Never
     * blocks.
     */
    void tick() {
        if (channel == null || connection.isClosed() || !lock.tryLock()) {
            return;
        }
        try {
            append(ByteBuffer.allocate(0));
            if (!cut(false)) {
                fill = 0;
                packets.decrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            fill = 0;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Packets framed into the stream, ticks and handshake messages included. Any thread. */
    long packets() {
        return packets.get();
    }

    /** The output party: drains the channel into the stream, up to {@value #BURST} packets a segment cut. */
    private void run(DistChannel ch) {
        try {
            while (!connection.isClosed()) {
                ByteBuffer packet = ch.getData();
                if (packet == null) {
                    if (!ch.awaitData()) {
                        connection.fail("channel closed", null, true);
                        return;
                    }
                    continue;
                }
                lock.lock();
                try {
                    int n = 0;
                    do {
                        append(packet);
                        n++;
                    } while (n < BURST && (packet = ch.getData()) != null);
                    cut(true);
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            connection.fail("output interrupted", e, true);
        } catch (IOException e) {
            connection.fail("output failed: " + e.getMessage(), e, true);
        } catch (RuntimeException | Error e) {
            connection.fail("output failed: " + e, e, true);
            throw e;
        }
    }

    /** Frames one packet into the stream: 4-byte length then the bytes. A writer, holding {@link #lock}. */
    private void append(ByteBuffer packet) throws IOException, InterruptedException {
        int length = packet.remaining();
        for (int shift = 24; shift >= 0; shift -= 8) {
            if (fill == open.length) {
                cut(true);
            }
            open[fill++] = (byte) (length >>> shift);
        }
        while (packet.hasRemaining()) {
            if (fill == open.length) {
                cut(true);
            }
            int n = Math.min(packet.remaining(), open.length - fill);
            packet.get(open, fill, n);
            fill += n;
        }
        packets.incrementAndGet();
    }

    /**
     * Cuts the open segment and queues it, waiting for room when {@code wait}. A writer,
     * holding {@link #lock}.
     *
     * @return false when there was no room and {@code wait} is false (the segment stays open)
     */
    private boolean cut(boolean wait) throws IOException, InterruptedException {
        if (fill == 0) {
            return true;
        }
        boolean whole = fill == open.length;
        byte[] bytes = whole ? open : Arrays.copyOf(open, fill);
        if (!connection.queue(bytes, fill, wait)) {
            return false;
        }
        if (whole) {
            open = new byte[maxPayload];
        }
        fill = 0;
        return true;
    }
}
