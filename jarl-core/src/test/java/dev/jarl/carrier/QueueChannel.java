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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The test channel of every carrier test (and of the carrier benchmarks in {@code jarl-bench}):
 * the test queues outgoing packets with {@link #send} for the carrier's output party, and reads
 * what the carrier delivered from {@link #received} (ticks, the empty packets, included, and
 * also counted in {@link #ticks}). {@link #closedReasons} records every close report.
 *
 * <p>It checks the carrier's side of the contract as it goes: after {@link #inputHandler} only
 * that thread may call {@link #putData}, and never two threads at once. A test can also make
 * the input fail or stall ({@link #refuseInput}, {@link #failNextInput}, {@link #holdInput}) to
 * see that the failure stays within one connection.
 */
public final class QueueChannel implements DistChannel {

    /**
     * How long {@link #watchForLateReports} watches: a report that never comes is not an
     * event a test can wait for, so its absence is watched for this long, in real time.
     */
    public static final long LATE_REPORT_WATCH_MS = 100;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    private boolean shut;

    /** Every packet delivered, in order, ticks included. */
    public final LinkedBlockingQueue<ByteBuffer> received = new LinkedBlockingQueue<>();
    /** The reasons given to {@link #closed}, one per call. */
    public final List<String> closedReasons = new CopyOnWriteArrayList<>();
    /** Empty packets delivered. */
    public final AtomicInteger ticks = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean feeding = new AtomicBoolean();
    private volatile Thread inputHandler;
    private volatile boolean refuseInput;
    private volatile Error inputError;
    private volatile CountDownLatch holdInput;

    private volatile long readSpinNanos;

    /** An open channel with nothing queued. */
    public QueueChannel() {
    }

    /** Sets what {@link #readSpinNanos()} tells the carrier; before {@code handshakeComplete}. */
    public QueueChannel readSpin(long nanos) {
        readSpinNanos = nanos;
        return this;
    }

    @Override
    public long readSpinNanos() {
        return readSpinNanos;
    }

    /** The thread the carrier registered with {@link #inputHandler}, or null before it did. */
    public Thread inputThread() {
        return inputHandler;
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

    /** The next packet delivered (a tick is an empty one), waiting at most {@code millis}; fails the test when none comes. */
    public byte[] next(long millis) throws InterruptedException {
        ByteBuffer b = received.poll(millis, TimeUnit.MILLISECONDS);
        if (b == null) {
            throw new AssertionError("no packet within " + millis + " ms");
        }
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The next non-empty packet delivered (ticks skipped), waiting at most {@code millis} for each. */
    public byte[] nextData(long millis) throws InterruptedException {
        while (true) {
            byte[] b = next(millis);
            if (b.length > 0) {
                return b;
            }
        }
    }

    /** Waits for {@link #closed}; false when it was not called in time. */
    public boolean awaitClosed(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Watches {@link #LATE_REPORT_WATCH_MS} for close reports that should not come, after the
     * awaited one(s) came: a connection whose parties each reported their own end would add a
     * second reason within this time. Call once per test after both sides reported, then
     * check {@link #closedReasons}.
     */
    public static void watchForLateReports() throws InterruptedException {
        Thread.sleep(LATE_REPORT_WATCH_MS); // real time: the absence of an event cannot be awaited
    }

    /** From now on {@link #putData} throws, as a channel that refuses its input would. */
    public void refuseInput() {
        refuseInput = true;
    }

    /** The next {@link #putData} of a non-empty packet throws {@code error}: an input failure the carrier must contain. */
    public void failNextInput(Error error) {
        inputError = error;
    }

    /**
     * While {@code gate} is not null, {@link #putData} of a non-empty packet waits until it is
     * counted down: a slow input party. Null lets input through again.
     */
    public void holdInput(CountDownLatch gate) {
        holdInput = gate;
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
            if (refuseInput) {
                throw new IllegalStateException("input refused");
            }
            if (packet.hasRemaining()) {
                Error fault = inputError;
                if (fault != null) {
                    inputError = null;
                    throw fault;
                }
                CountDownLatch hold = holdInput;
                if (hold != null) {
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            } else {
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
