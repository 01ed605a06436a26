/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The Jarl side of {@link Growth}: a target node with the {@code sink} and {@code echo} roles
 * (as growth.erl's, each a mailbox on a virtual thread of its own, as {@code jarl serve}
 * serves its roles), a driver node, and the peer nodes, all in this JVM and connected over
 * TCP on loopback. The workers are Jarl processes ({@link Node#spawn}); they are started and
 * released with latches instead of messages.
 */
final class JarlSide implements AutoCloseable {

    private static final Atom MSG = Atom.of("msg");
    private static final Atom SYNC = Atom.of("sync");
    private static final Atom EXPECT = Atom.of("expect");
    private static final Duration WAIT = Duration.ofMinutes(5);

    private final int epmdPort;
    private final String cookie;
    private final Node target;
    private final Node driver;
    private final List<Node> peers = new ArrayList<>();
    private final String prefix;
    /** The last timed window of {@link #workers}: start and end, System.nanoTime (CLOCK_MONOTONIC on Linux). */
    private long windowStart;
    private long windowEnd;
    /** The JVM's CPU nanoseconds and allocated bytes over that window, and its messages. */
    private long windowCpu;
    private long windowAllocated;
    private long windowMessages;

    JarlSide(int epmdPort, String cookie) throws Exception {
        this.epmdPort = epmdPort;
        this.cookie = cookie;
        this.prefix = "growth" + ProcessHandle.current().pid();
        this.target = start(prefix + "_jtgt");
        this.driver = start(prefix + "_jdrv");
        serve(target.createMailbox("sink"), JarlSide::sink);
        serve(target.createMailbox("echo"), JarlSide::echo);
        driver.connect(target.name());
    }

    private Node start(String name) throws Exception {
        return Node.start(NodeConfig.builder(name + "@localhost").cookie(cookie).epmdPort(epmdPort).build());
    }

    List<Point> run(Plan plan, Consumer<String> log) throws Exception {
        try (Mailbox mb = driver.createMailbox()) {
            check(toSink(mb, target.name(), plan.warmMessages(), Binary.EMPTY), plan.warmMessages());
            roundTrips(mb, target.name(), plan.warmRoundTrips(), Binary.EMPTY);
        }
        List<Point> points = new ArrayList<>();
        for (Plan.Step s : plan.sizes()) {
            points.add(size(s));
            log.accept("jarl " + points.get(points.size() - 1));
        }
        int connected = 0;
        for (Plan.Step s : plan.peers()) {
            points.add(peers(s, connected));
            connected = (int) s.x();
            log.accept("jarl " + points.get(points.size() - 1) + window());
        }
        for (Plan.Step s : plan.procs()) {
            points.add(procs(s));
            log.accept("jarl " + points.get(points.size() - 1) + window());
        }
        return points;
    }

    private Point size(Plan.Step s) throws Exception {
        Binary bin = Binary.of(new byte[(int) s.x()]);
        long[] samples;
        long nanos;
        try (Mailbox mb = driver.createMailbox()) {
            long t0 = System.nanoTime();
            long count = toSink(mb, target.name(), s.messages(), bin);
            nanos = System.nanoTime() - t0;
            check(count, s.messages());
            samples = roundTrips(mb, target.name(), s.roundTrips(), bin);
        }
        double seconds = nanos / 1e9;
        return point(Sweep.SIZE, s.x(), s.messages() / seconds, s.messages() * (double) s.x() / seconds, samples, -1);
    }

    private Point peers(Plan.Step s, int connected) throws Exception {
        int p = (int) s.x();
        while (peers.size() < p) {
            peers.add(start(prefix + "_jp" + (peers.size() + 1)));
        }
        long memory = -1;
        if (p > connected) {
            long before = usedMemoryAfterGc();
            for (Node n : peers.subList(connected, p)) {
                n.connect(target.name());
            }
            memory = (usedMemoryAfterGc() - before) / (p - connected);
        }
        List<Node> senders = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            senders.add(peers.get(i));
        }
        return workers(Sweep.PEERS, s, senders, memory);
    }

    private Point procs(Plan.Step s) throws Exception {
        List<Node> senders = new ArrayList<>();
        for (long i = 0; i < s.x(); i++) {
            senders.add(driver);
        }
        return workers(Sweep.PROCS, s, senders, Long.MIN_VALUE);
    }

    /**
     * One process per entry of {@code on} (spawned there), as growth.erl's worker: ready,
     * then its share of the messages, then its round trips. The throughput is timed from the
     * start signal until the sink has counted every worker's messages (it answers an
     * {@code expect} for the total once it has); that the sink counted exactly the total is
     * checked after that window, and the round trips after it say each worker finished.
     * With {@code memory} = MIN_VALUE, measures the heap per idle worker itself.
     */
    private Point workers(Sweep sweep, Plan.Step s, List<Node> on, long memory) throws Exception {
        int n = on.size();
        int each = Plan.share(s.messages(), n);
        int rt = Plan.share(s.roundTrips(), n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch goSend = new CountDownLatch(1);
        CountDownLatch goRtt = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(n);
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        NodeName t = target.name();
        long before = memory == Long.MIN_VALUE ? usedMemoryAfterGc() : 0;
        for (Node node : on) {
            node.spawn(self -> {
                try {
                    ready.countDown();
                    goSend.await();
                    for (int i = each; i > 0; i--) {
                        self.send("sink", t, Tuple.of(MSG, Int.of(i), Binary.EMPTY));
                    }
                    goRtt.await();
                    samples.add(roundTrips(self, t, rt, Binary.EMPTY));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            });
        }
        await(ready, "workers to start", failure);
        if (memory == Long.MIN_VALUE) {
            memory = (usedMemoryAfterGc() - before) / n;
        }
        long total = (long) each * n;
        long nanos;
        try (Mailbox mb = driver.createMailbox()) {
            Ref ref = driver.makeRef();
            long cpu0 = processCpuNanos();
            long allocated0 = allocatedBytes();
            long t0 = System.nanoTime();
            mb.send("sink", t, Tuple.of(EXPECT, mb.self(), ref, Int.of(total)));
            goSend.countDown();
            Term counted = counted(mb, ref, total, failure);
            long t1 = System.nanoTime();
            nanos = t1 - t0;
            windowStart = t0;
            windowEnd = t1;
            windowCpu = processCpuNanos() - cpu0;
            windowAllocated = allocatedBytes() - allocated0;
            windowMessages = total;
            check(((Int) ((Tuple) counted).get(1)).longValue(), total);
            check(sync(mb, t, SYNC), total);
        }
        goRtt.countDown();
        await(finished, "round trips", failure);
        long[] all = samples.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        return point(sweep, s.x(), (double) each * n / (nanos / 1e9), 0, all, memory);
    }

    /**
     * The last timed window in seconds of the monotonic clock (System.nanoTime, which is
     * CLOCK_MONOTONIC on Linux): to cut a profile to it, e.g. {@code perf record -k
     * CLOCK_MONOTONIC} and {@code perf script --time START,END}; with the JVM's CPU time and
     * allocation per message over it (less sensitive to a busy machine than the rate).
     */
    private String window() {
        return String.format(java.util.Locale.ROOT, " window %.6f,%.6f cpu %.2f us/msg allocated %d B/msg", windowStart / 1e9,
                windowEnd / 1e9, windowCpu / 1e3 / windowMessages, windowAllocated / windowMessages);
    }

    /** This JVM's CPU time (all its threads, the collector's among them), or 0 where unknown. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Bytes allocated so far by every thread of this JVM (virtual threads count on their carriers), or 0 where unknown. */
    private static long allocatedBytes() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemoryEnabled() ? Math.max(0, t.getTotalThreadAllocatedBytes()) : 0;
    }

    /** The sink's answer to {@code expect} (ref); fails at once when a worker has failed. */
    private static Term counted(Mailbox mb, Ref ref, long total, AtomicReference<Throwable> failure) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Optional<Term> reply = mb.receive(m -> m instanceof Tuple r && r.arity() == 2 && r.get(0).equals(ref),
                    Duration.ofMillis(200));
            if (reply.isPresent()) {
                return reply.get();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("jarl: a worker failed", failure.get());
            }
        }
        throw new IllegalStateException("jarl: the sink did not count " + total + " messages within " + WAIT);
    }

    private static void await(CountDownLatch latch, String what, AtomicReference<Throwable> failure) throws Exception {
        if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("jarl: timed out waiting for " + what);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("jarl: a worker failed", failure.get());
        }
    }

    private static Point point(Sweep sweep, long x, double msgs, double bytes, long[] nanos, long memory) {
        return new Point(sweep, x, msgs, bytes, Percentiles.of(nanos, 0.50) / 1e3, Percentiles.of(nanos, 0.99) / 1e3,
                memory);
    }

    /** Sends {@code n} messages to the sink, then sync; returns the sink's count (which sync resets). */
    private static long toSink(Mailbox mb, NodeName target, int n, Binary bin) throws InterruptedException {
        for (int i = n; i > 0; i--) {
            mb.send("sink", target, Tuple.of(MSG, Int.of(i), bin));
        }
        return sync(mb, target, SYNC);
    }

    private static long sync(Mailbox mb, NodeName target, Atom kind) throws InterruptedException {
        Ref ref = mb.node().makeRef();
        mb.send("sink", target, Tuple.of(kind, mb.self(), ref));
        Term reply = mb.receive(m -> m instanceof Tuple r && r.arity() == 2 && r.get(0).equals(ref), WAIT)
                .orElseThrow(() -> new IllegalStateException("jarl: the sink did not answer " + kind));
        return ((Int) ((Tuple) reply).get(1)).longValue();
    }

    /** {@code k} round trips through echo; returns each one's nanoseconds. */
    private static long[] roundTrips(Mailbox mb, NodeName target, int k, Binary payload) throws InterruptedException {
        long[] nanos = new long[k];
        for (int i = 0; i < k; i++) {
            Ref ref = mb.node().makeRef();
            long t0 = System.nanoTime();
            mb.send("echo", target, Tuple.of(mb.self(), Tuple.of(ref, payload)));
            mb.receive(m -> m instanceof Tuple r && r.arity() == 2 && r.get(0).equals(ref), WAIT)
                    .orElseThrow(() -> new IllegalStateException("jarl: no echo within " + WAIT));
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static void check(long got, long want) {
        if (got != want) {
            throw new IllegalStateException("jarl: the sink counted " + got + " messages, expected " + want);
        }
    }

    /**
     * Used heap after full collections, plus the direct and mapped buffers in use (a TCP
     * connection's read buffer is direct). Thread stacks and the kernel's socket buffers are
     * not counted; neither are they on the BEAM side (erlang:memory(total)).
     */
    private static long usedMemoryAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            used += Math.max(0, pool.getMemoryUsed());
        }
        return used;
    }

    private interface Role {
        void serve(Mailbox mb) throws InterruptedException;
    }

    private static void serve(Mailbox mb, Role role) {
        Thread.ofVirtual().name("growth-" + mb.name().orElse("role")).start(() -> {
            try {
                role.serve(mb);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!mb.node().isClosed()) {
                    throw e;
                }
            }
        });
    }

    /**
     * As growth.erl's sink: counts messages; {@code {sync, From, Ref}} answers the count and
     * resets it; {@code {expect, From, Ref, Total}} answers the count once it reaches Total
     * (at once if it has), without resetting it.
     */
    private static void sink(Mailbox mb) throws InterruptedException {
        long count = 0;
        dev.jarl.term.Pid waiter = null;
        Term waiterRef = null;
        long expected = Long.MAX_VALUE;
        while (!mb.node().isClosed()) {
            Term m = mb.receive();
            if (m instanceof Tuple t && t.arity() == 3 && SYNC.equals(t.get(0)) && t.get(1) instanceof dev.jarl.term.Pid from) {
                mb.send(from, Tuple.of(t.get(2), Int.of(count)));
                count = 0;
                continue;
            }
            if (m instanceof Tuple t && t.arity() == 4 && EXPECT.equals(t.get(0)) && t.get(1) instanceof dev.jarl.term.Pid from
                    && t.get(3) instanceof Int total) {
                waiter = from;
                waiterRef = t.get(2);
                expected = total.longValue();
            } else {
                count++;
            }
            if (count >= expected) {
                mb.send(waiter, Tuple.of(waiterRef, Int.of(count)));
                waiter = null;
                waiterRef = null;
                expected = Long.MAX_VALUE;
            }
        }
    }

    private static void echo(Mailbox mb) throws InterruptedException {
        while (!mb.node().isClosed()) {
            if (mb.receive() instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof dev.jarl.term.Pid from) {
                mb.send(from, t.get(1));
            }
        }
    }

    @Override
    public void close() {
        for (Node n : peers) {
            n.close();
        }
        driver.close();
        target.close();
    }
}
