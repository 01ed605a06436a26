/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.mem;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.NodeName;

/**
 * One direction of an in-memory connection: packets from {@code writer} to {@code reader},
 * whole and in order. The hub can hold delivery back (a stalled node neither reads nor
 * writes) and delay each packet.
 */
final class MemPipe {

    private record Packet(byte[] data, long dueNanos) {
    }

    private final MemHub hub;
    final NodeName writer;
    final NodeName reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Packet> packets = new ArrayDeque<>();
    private long pendingBytes;
    private String closedReason;

    MemPipe(MemHub hub, NodeName writer, NodeName reader) {
        this.hub = hub;
        this.writer = writer;
        this.reader = reader;
    }

    void put(byte[] data) throws IOException {
        long due = System.nanoTime() + hub.delayNanos();
        lock.lock();
        try {
            if (closedReason != null) {
                throw new IOException("mem connection " + writer + " -> " + reader + " closed: " + closedReason);
            }
            packets.addLast(new Packet(data, due));
            pendingBytes += data.length;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next packet, waiting at most {@code timeoutNanos} (negative: forever).
     *
     * @throws SocketTimeoutException when the time runs out
     * @throws IOException            when the pipe is closed
     */
    byte[] take(long timeoutNanos) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lockInterruptibly();
        try {
            while (true) {
                Packet head = packets.peekFirst();
                if (closedReason != null && head == null) {
                    throw new IOException("mem connection " + writer + " -> " + reader + " closed: " + closedReason);
                }
                long now = System.nanoTime();
                long wait;
                if (head != null && !hub.stalled(writer) && !hub.stalled(reader)) {
                    if (head.dueNanos() - now <= 0) {
                        packets.pollFirst();
                        pendingBytes -= head.data().length;
                        return head.data();
                    }
                    wait = head.dueNanos() - now;
                } else {
                    wait = Long.MAX_VALUE;
                }
                if (timeoutNanos >= 0) {
                    long left = deadline - now;
                    if (left <= 0) {
                        throw new SocketTimeoutException("mem connection " + writer + " -> " + reader
                                + ": nothing received in time");
                    }
                    wait = Math.min(wait, left);
                }
                changed.awaitNanos(Math.min(wait, 100_000_000L));
            }
        } finally {
            lock.unlock();
        }
    }

    long pendingBytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the pipe. With {@code discard} false (the writer closed, as a TCP FIN) the
     * reader still gets what was sent before; with {@code discard} true (the reader went away,
     * or the network failed) queued packets are lost.
     */
    void close(String reason, boolean discard) {
        lock.lock();
        try {
            if (closedReason == null) {
                closedReason = reason;
            }
            if (discard) {
                packets.clear();
                pendingBytes = 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes waiters after a stall or delay change. */
    void poke() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
