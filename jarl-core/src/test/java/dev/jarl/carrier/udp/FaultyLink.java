/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import dev.jarl.carrier.NanoClock;

/**
 * Fault injection under the carrier: drops, duplicates, reorders (by holding a datagram
 * back for 0.2 to 2.2 ms while later ones pass) and delays datagrams at configured rates,
 * from a seed; {@link #blackhole} drops everything (a vanished peer).
 *
 * <p>Once {@link #record}ing, it also logs every datagram the carrier hands it (dropped ones
 * included) with its type, its sequence number and the reading of the carrier's clock at
 * that moment, lets a test wait for one ({@link #await}), and can drop chosen ones
 * ({@link #dropOnce}).
 */
final class FaultyLink implements Link, AutoCloseable {

    /**
     * A datagram the carrier handed to the link.
     *
     * @param type one of {@link Datagram#DATA}, {@link Datagram#ACK}, ...
     * @param seq  the sequence number of a {@code DATA}, else -1
     * @param at   the carrier's clock when it was handed over
     */
    record Sent(byte type, long seq, long at) {
    }

    private final ReentrantLock logLock = new ReentrantLock();
    private final Condition logged = logLock.newCondition();
    private final List<Sent> log = new ArrayList<>();
    private volatile NanoClock clock;
    private volatile Predicate<Sent> dropOnce;

    final double loss;
    final double duplication;
    final double reordering;
    final long delayNanos;
    private final Random random;
    private final DelayQueue<Held> held = new DelayQueue<>();
    private final Thread releaser;
    volatile boolean blackhole;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();

    private record Held(DatagramChannel channel, byte[] bytes, InetSocketAddress target, long due) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(due, ((Held) o).due);
        }
    }

    FaultyLink(long seed, double loss, double duplication, double reordering, long delayNanos) {
        this.random = new Random(seed);
        this.loss = loss;
        this.duplication = duplication;
        this.reordering = reordering;
        this.delayNanos = delayNanos;
        this.releaser = Thread.ofVirtual().name("faulty-link").start(this::release);
    }

    /** No faults at all, but the black hole can be switched on. */
    static FaultyLink clean() {
        return new FaultyLink(1, 0, 0, 0, 0);
    }

    /** From now on, logs every datagram with the reading of {@code carrierClock}. */
    FaultyLink record(NanoClock carrierClock) {
        clock = carrierClock;
        return this;
    }

    /** Drops the first datagram from now on that matches {@code which} (it is still logged). */
    void dropOnce(Predicate<Sent> which) {
        dropOnce = which;
    }

    /** Waits for the first logged datagram that matches {@code which}; fails the test after 10 s. */
    Sent await(Predicate<Sent> which) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        logLock.lock();
        try {
            while (true) {
                for (Sent d : log) {
                    if (which.test(d)) {
                        return d;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such datagram within 10 s; sent: " + log);
                }
                logged.awaitNanos(left);
            }
        } finally {
            logLock.unlock();
        }
    }

    /** The logged datagrams that match {@code which}, in order. */
    List<Sent> sent(Predicate<Sent> which) {
        logLock.lock();
        try {
            return log.stream().filter(which).toList();
        } finally {
            logLock.unlock();
        }
    }

    /** Logs {@code datagram}; true when it is the one {@link #dropOnce} chose. */
    private boolean logAndChoose(ByteBuffer datagram, NanoClock c) {
        int at = datagram.position();
        byte type = datagram.get(at + 3);
        Sent d = new Sent(type, type == Datagram.DATA ? datagram.getLong(at + Datagram.HEADER) : -1, c.nanoTime());
        logLock.lock();
        try {
            log.add(d);
            logged.signalAll();
        } finally {
            logLock.unlock();
        }
        Predicate<Sent> drop = dropOnce;
        if (drop != null && drop.test(d)) {
            dropOnce = null;
            return true;
        }
        return false;
    }

    @Override
    public void send(DatagramChannel channel, ByteBuffer datagram, InetSocketAddress target) throws IOException {
        NanoClock c = clock;
        if (c != null && logAndChoose(datagram, c)) {
            dropped.incrementAndGet();
            return;
        }
        if (blackhole) {
            dropped.incrementAndGet();
            return;
        }
        if (random.nextDouble() < loss) {
            dropped.incrementAndGet();
            return;
        }
        int copies = random.nextDouble() < duplication ? 2 : 1;
        if (copies == 2) {
            duplicated.incrementAndGet();
        }
        boolean reorder = random.nextDouble() < reordering;
        if (!reorder && delayNanos == 0 && copies == 1) {
            sent.incrementAndGet();
            channel.send(datagram, target);
            return;
        }
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        for (int i = 0; i < copies; i++) {
            long delay = delayNanos;
            if (reorder && i == 0) {
                reordered.incrementAndGet();
                delay += 200_000 + random.nextInt(2_000_000);
            }
            if (delay == 0) {
                sent.incrementAndGet();
                channel.send(ByteBuffer.wrap(bytes), target);
            } else {
                held.add(new Held(channel, bytes, target, System.nanoTime() + delay));
            }
        }
    }

    private void release() {
        try {
            while (true) {
                Held h = held.take();
                try {
                    sent.incrementAndGet();
                    h.channel().send(ByteBuffer.wrap(h.bytes()), h.target());
                } catch (IOException e) {
                    dropped.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        releaser.interrupt();
    }

    @Override
    public String toString() {
        return "sent " + sent + ", dropped " + dropped + ", duplicated " + duplicated + ", reordered " + reordered;
    }
}
