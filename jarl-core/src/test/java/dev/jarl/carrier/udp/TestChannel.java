/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;

/**
 * A queue-based channel for carrier tests: {@link #send} queues packets for the carrier's
 * output party; what the carrier delivers lands in {@link #received} (ticks are counted,
 * not queued); {@link #closedReasons} records every close report.
 */
final class TestChannel implements DistChannel {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private boolean shut;

    final LinkedBlockingQueue<ByteBuffer> received = new LinkedBlockingQueue<>();
    final AtomicLong ticks = new AtomicLong();
    final List<String> closedReasons = new CopyOnWriteArrayList<>();
    final CountDownLatch closed = new CountDownLatch(1);
    /** Makes {@link #putData} throw, as a channel that refuses its input would. */
    volatile boolean refuseInput;
    /** Thrown by the next {@link #putData} of a packet, as an input failure the carrier must contain. */
    volatile Error inputError;
    /** While non-null, {@link #putData} of a packet waits for it: a slow input party. */
    volatile CountDownLatch holdInput;

    void send(byte[] packet) {
        lock.lock();
        try {
            outgoing.add(ByteBuffer.wrap(packet));
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The node side closes: a waiting output party wakes with false. */
    void shut() {
        lock.lock();
        try {
            shut = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    byte[] next(long millis) throws InterruptedException {
        ByteBuffer b = received.poll(millis, TimeUnit.MILLISECONDS);
        if (b == null) {
            throw new AssertionError("no packet within " + millis + " ms");
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    boolean awaitClosed(long millis) throws InterruptedException {
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
        // Any one thread at a time may feed input.
    }

    @Override
    public void putData(ByteBuffer packet) {
        if (refuseInput) {
            throw new IllegalStateException("input refused");
        }
        Error fault = inputError;
        if (fault != null && packet.hasRemaining()) {
            inputError = null;
            throw fault;
        }
        CountDownLatch hold = holdInput;
        if (hold != null && packet.hasRemaining()) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!packet.hasRemaining()) {
            ticks.incrementAndGet();
        } else {
            received.add(packet);
        }
    }

    @Override
    public void closed(ConnectionFate fate) {
        closedReasons.add(fate.detail());
        closed.countDown();
    }
}
