/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A test channel: the test queues outgoing packets and reads what arrived (ticks, the empty
 * packets, included, and also counted in {@link #ticks}). Shared by the carrier tests.
 */
public final class QueueChannel implements DistChannel {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private boolean shut;

    /** Every packet delivered, in order. */
    public final LinkedBlockingQueue<ByteBuffer> received = new LinkedBlockingQueue<>();
    /** The reasons given to {@link #closed}, one per call. */
    public final List<String> closedReasons = new CopyOnWriteArrayList<>();
    /** Empty packets delivered. */
    public final AtomicInteger ticks = new AtomicInteger();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile Thread inputHandler;
    private final java.util.concurrent.atomic.AtomicBoolean feeding = new java.util.concurrent.atomic.AtomicBoolean();

    /** An open channel with nothing queued. */
    public QueueChannel() {
    }

    /** Queues {@code packet} for the carrier's output party. */
    public void send(byte[] packet) {
        lock.lock();
        try {
            outgoing.add(ByteBuffer.wrap(packet));
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the channel from the node's side: a waiting output party wakes with false. */
    public void shut() {
        lock.lock();
        try {
            shut = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The next packet delivered, waiting at most {@code millis}; fails the test when none comes. */
    public byte[] next(long millis) throws InterruptedException {
        ByteBuffer b = received.poll(millis, TimeUnit.MILLISECONDS);
        if (b == null) {
            throw new AssertionError("no packet within " + millis + " ms");
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Waits for {@link #closed}; false when it was not called in time. */
    public boolean awaitClosed(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public ByteBuffer getData() {
        lock.lock();
        try {
            return outgoing.poll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitData() throws InterruptedException {
        lock.lock();
        try {
            while (outgoing.isEmpty() && !shut) {
                nonEmpty.await();
            }
            return !outgoing.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void inputHandler(Thread handler) {
        inputHandler = handler;
    }

    @Override
    public void putData(ByteBuffer packet) {
        Thread handler = inputHandler;
        if (handler != null && Thread.currentThread() != handler) {
            throw new IllegalStateException("putData from " + Thread.currentThread() + " (expected: " + handler + ")");
        }
        if (!feeding.compareAndSet(false, true)) {
            throw new IllegalStateException("putData from two threads at once");
        }
        try {
            if (!packet.hasRemaining()) {
                ticks.incrementAndGet();
            }
            received.add(packet);
        } finally {
            feeding.set(false);
        }
    }

    @Override
    public void closed(ConnectionFate fate) {
        closedReasons.add(fate.detail());
        closed.countDown();
    }
}
