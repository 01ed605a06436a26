/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection under the carrier: drops, duplicates, reorders (by holding a datagram
 * back for 0.2 to 2.2 ms while later ones pass) and delays datagrams at configured rates,
 * from a seed; {@link #blackhole} drops everything (a vanished peer).
 */
final class FaultyLink implements Link, AutoCloseable {

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

    @Override
    public void send(DatagramChannel channel, ByteBuffer datagram, InetSocketAddress target) throws IOException {
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
