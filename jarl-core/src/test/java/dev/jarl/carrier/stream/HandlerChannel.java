/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;

/**
 * A channel for the input thread's writes: its handler ({@link #onPacket}) runs on the
 * connection's input thread for each packet handed over and may queue replies as
 * {@code DistConnection} queues them there ({@link #reply}); the test may also queue
 * packets for the output party ({@link #add}) or straight into the queue without a signal.
 */
final class HandlerChannel implements DistChannel {
    final LinkedBlockingDeque<ByteBuffer> packets = new LinkedBlockingDeque<>();
    final ReentrantLock lock = new ReentrantLock();
    final Condition data = lock.newCondition();
    /** Times {@link #reply} woke the output party because the carrier declined the write. */
    final AtomicInteger wakes = new AtomicInteger();
    final List<String> closedReasons = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    /** Runs on the input thread for each packet handed over. */
    volatile Consumer<ByteBuffer> onPacket = p -> { };
    volatile StreamConnection connection;
    volatile Thread input;
    /** The output party waits in {@link #awaitData()} (so a packet added without a signal stays for the caller). */
    volatile boolean waiting;
    private boolean shut;

    /** Queues {@code packet} and wakes the output party. */
    void add(ByteBuffer packet) {
        lock.lock();
        try {
            packets.add(packet);
            data.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code packet} as {@code DistConnection} queues a reply sent on the input
     * thread: into an empty queue without a signal, then {@code writeQueuedNoWait()}, and a
     * wake of the output party (counted in {@link #wakes}) only when the carrier declines;
     * behind others, {@code writeQueuedNoWait()} with its answer ignored. Returns what
     * {@code writeQueuedNoWait()} said into an empty queue, else null.
     */
    Boolean reply(ByteBuffer packet) {
        boolean first;
        lock.lock();
        try {
            first = packets.isEmpty();
            packets.add(packet);
        } finally {
            lock.unlock();
        }
        if (!first) {
            connection.writeQueuedNoWait();
            return null;
        }
        boolean taken = connection.writeQueuedNoWait();
        if (!taken) {
            wakes.incrementAndGet();
            lock.lock();
            try {
                data.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return taken;
    }

    @Override
    public ByteBuffer getData() {
        return packets.poll();
    }

    @Override
    public boolean awaitData() throws InterruptedException {
        lock.lock();
        try {
            while (packets.isEmpty() && !shut) {
                waiting = true;
                data.await();
                waiting = false;
            }
            // false only once closed, as DistConnection's: another party (the input thread, a
            // flusher) may have taken the packets since the check above, without this lock
            return !shut;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void inputHandler(Thread handler) {
        input = handler;
    }

    @Override
    public void putData(ByteBuffer packet) {
        onPacket.accept(packet);
    }

    @Override
    public void closed(ConnectionFate fate) {
        closedReasons.add(fate.detail());
        lock.lock();
        try {
            shut = true;
            data.signalAll();
        } finally {
            lock.unlock();
        }
        closed.countDown();
    }
}
