/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.micrometer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.node.ConnectionStats;
import dev.jarl.node.Node;
import dev.jarl.node.NodeListener;
import dev.jarl.node.NodeStats;
import dev.jarl.term.NodeName;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Binds a {@link Node}'s figures ({@link Node#stats()}) to a Micrometer registry.
 *
 * <pre>{@code
 * new JarlMetrics(node).bindTo(registry);
 * }</pre>
 *
 * <p>Meters, each tagged with the {@code tags} given here (none by default):
 * <table>
 *   <caption>Node meters</caption>
 *   <tr><th>name</th><th>type</th><th>figure</th></tr>
 *   <tr><td>{@code jarl.node.processes}</td><td>gauge</td><td>live processes</td></tr>
 *   <tr><td>{@code jarl.node.registered.names}</td><td>gauge</td><td>registered names</td></tr>
 *   <tr><td>{@code jarl.node.mailbox.high.water}</td><td>gauge</td><td>the deepest any mailbox has been</td></tr>
 *   <tr><td>{@code jarl.node.rpcs.served}</td><td>counter</td><td>RPCs answered</td></tr>
 *   <tr><td>{@code jarl.node.rpcs.failed}</td><td>counter</td><td>of those, the ones that raised</td></tr>
 *   <tr><td>{@code jarl.node.connections}</td><td>gauge</td><td>connections up</td></tr>
 * </table>
 * and for each connection that is up, tagged {@code peer} (the node name) and {@code carrier}
 * ({@code tcp}, {@code tls}, {@code uds}, {@code udp}, {@code mem}):
 * <table>
 *   <caption>Connection meters</caption>
 *   <tr><th>name</th><th>type</th><th>figure ({@link ConnectionStats})</th></tr>
 *   <tr><td>{@code jarl.connection.bytes.in}, {@code .out}</td><td>counter (bytes)</td><td>packet bytes</td></tr>
 *   <tr><td>{@code jarl.connection.packets.in}, {@code .out}</td><td>counter</td><td>packets, ticks excluded</td></tr>
 *   <tr><td>{@code jarl.connection.ticks.in}, {@code .out}</td><td>counter</td><td>ticks</td></tr>
 *   <tr><td>{@code jarl.connection.queued.bytes}</td><td>gauge (bytes)</td><td>output waiting</td></tr>
 *   <tr><td>{@code jarl.connection.queued.packets}</td><td>gauge</td><td>messages waiting</td></tr>
 *   <tr><td>{@code jarl.connection.busy}</td><td>function timer</td><td>waits at the busy limit and their time</td></tr>
 *   <tr><td>{@code jarl.connection.carrier.*}</td><td>gauge</td><td>the carrier's own figures, for example
 *       {@code jarl.connection.carrier.rtt.us} and {@code jarl.connection.carrier.retransmissions} for UDP</td></tr>
 * </table>
 * A connection's meters appear when it comes up and are removed when it goes down; a new
 * connection to the same peer starts its counters from zero.
 *
 * <p>Cost: a scrape reads every meter; they share one {@link Node#stats()} snapshot taken at
 * most once per {@link #DEFAULT_MAX_AGE} (or the age given), so a scrape costs one snapshot.
 * Nothing here runs on the node's message path.
 *
 * <p>{@link #close()} stops following connections and removes every meter this binder
 * registered.
 */
public final class JarlMetrics implements MeterBinder, AutoCloseable {

    /** How old a snapshot the meters may read: 1 second. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

    private final Node node;
    private final Tags tags;
    private final long maxAgeNanos;
    private final List<MeterRegistry> registries = new ArrayList<>();
    /** The meters of each connection, per registry bound. */
    private final Map<NodeName, List<Meter>> connectionMeters = new ConcurrentHashMap<>();
    private final List<Meter> nodeMeters = new ArrayList<>();
    private final Listener listener = new Listener();
    /** Guards the registries and the meter lists. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile NodeStats snapshot;
    private volatile long snapshotAt;

    /** Binds {@code node}'s figures without extra tags. */
    public JarlMetrics(Node node) {
        this(node, Tags.empty());
    }

    /** Binds {@code node}'s figures, every meter tagged with {@code tags} as well. */
    public JarlMetrics(Node node, Iterable<Tag> tags) {
        this(node, tags, DEFAULT_MAX_AGE);
    }

    /**
     * Binds {@code node}'s figures; meters read a snapshot at most {@code maxAge} old
     * ({@link Duration#ZERO}: a new one each read).
     */
    public JarlMetrics(Node node, Iterable<Tag> tags, Duration maxAge) {
        this.node = Objects.requireNonNull(node, "node");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: zero or more)");
        }
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        lock.lock();
        try {
            boolean first = registries.isEmpty();
            registries.add(registry);
            nodeMeters.add(Gauge.builder("jarl.node.processes", this, m -> m.stats().processes())
                    .tags(tags).description("Live processes").register(registry));
            nodeMeters.add(Gauge.builder("jarl.node.registered.names", this, m -> m.stats().registeredNames())
                    .tags(tags).description("Registered names").register(registry));
            nodeMeters.add(Gauge.builder("jarl.node.mailbox.high.water", this, m -> m.stats().mailboxHighWater())
                    .tags(tags).description("The most messages any mailbox has held at once").register(registry));
            nodeMeters.add(FunctionCounter.builder("jarl.node.rpcs.served", this, m -> m.stats().rpcsServed())
                    .tags(tags).description("RPCs of registered functions answered").register(registry));
            nodeMeters.add(FunctionCounter.builder("jarl.node.rpcs.failed", this, m -> m.stats().rpcsFailed())
                    .tags(tags).description("RPCs that raised or found no function").register(registry));
            nodeMeters.add(Gauge.builder("jarl.node.connections", this, m -> m.stats().connections().size())
                    .tags(tags).description("Connections up").register(registry));
            if (first) {
                node.addNodeListener(listener);
            }
            for (ConnectionStats c : fresh().connections()) {
                bindConnection(registry, c);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops following the node's connections and removes every meter registered here. */
    @Override
    public void close() {
        node.removeNodeListener(listener);
        lock.lock();
        try {
            for (MeterRegistry r : registries) {
                nodeMeters.forEach(r::remove);
                connectionMeters.values().forEach(ms -> ms.forEach(r::remove));
            }
            nodeMeters.clear();
            connectionMeters.clear();
            registries.clear();
        } finally {
            lock.unlock();
        }
    }

    private final class Listener implements NodeListener {
        @Override
        public void nodeUp(NodeName peer) {
            lock.lock();
            try {
                node.connectionStats(peer).ifPresent(c -> registries.forEach(r -> bindConnection(r, c)));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void nodeDown(NodeName peer, ConnectionFate fate) {
            lock.lock();
            try {
                List<Meter> meters = connectionMeters.remove(peer);
                if (meters != null) {
                    for (MeterRegistry r : registries) {
                        meters.forEach(r::remove);
                    }
                }
                snapshot = null;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Registers {@code c}'s meters in {@code registry}; under the registries' lock. */
    private void bindConnection(MeterRegistry registry, ConnectionStats c) {
        NodeName peer = c.peer();
        Tags t = tags.and("peer", peer.toString(), "carrier", c.carrier());
        List<Meter> meters = connectionMeters.computeIfAbsent(peer, p -> new ArrayList<>());
        meters.add(counter(registry, "jarl.connection.bytes.in", t, peer, ConnectionStats::bytesIn, "bytes",
                "Bytes of distribution packets received"));
        meters.add(counter(registry, "jarl.connection.bytes.out", t, peer, ConnectionStats::bytesOut, "bytes",
                "Bytes of distribution packets sent"));
        meters.add(counter(registry, "jarl.connection.packets.in", t, peer, ConnectionStats::packetsIn, null,
                "Distribution packets received, ticks excluded"));
        meters.add(counter(registry, "jarl.connection.packets.out", t, peer, ConnectionStats::packetsOut, null,
                "Distribution packets sent, ticks excluded"));
        meters.add(counter(registry, "jarl.connection.ticks.in", t, peer, ConnectionStats::ticksIn, null, "Ticks received"));
        meters.add(counter(registry, "jarl.connection.ticks.out", t, peer, ConnectionStats::ticksOut, null, "Ticks sent"));
        meters.add(gauge(registry, "jarl.connection.queued.bytes", t, peer, ConnectionStats::queuedBytes, "bytes",
                "Bytes waiting in the output queue"));
        meters.add(gauge(registry, "jarl.connection.queued.packets", t, peer, ConnectionStats::queuedPackets, null,
                "Messages waiting in the output queue"));
        meters.add(FunctionTimer.builder("jarl.connection.busy", this,
                        m -> (long) m.connection(peer, ConnectionStats::busyWaits), // NaN when down: 0
                        m -> m.connection(peer, s -> s.busyTime().toNanos()), TimeUnit.NANOSECONDS)
                .tags(t).description("Sender waits at the busy limit").register(registry));
        for (String figure : c.carrierFigures().keySet()) {
            meters.add(gauge(registry, "jarl.connection.carrier." + figure.replace('_', '.'), t, peer,
                    s -> s.carrierFigures().getOrDefault(figure, 0L), null, "Carrier figure " + figure));
        }
    }

    private Meter counter(MeterRegistry r, String name, Tags t, NodeName peer, ToLongFunction<ConnectionStats> f,
            String unit, String description) {
        return FunctionCounter.builder(name, this, m -> m.connection(peer, f))
                .tags(t).baseUnit(unit).description(description).register(r);
    }

    private Meter gauge(MeterRegistry r, String name, Tags t, NodeName peer, ToLongFunction<ConnectionStats> f,
            String unit, String description) {
        ToDoubleFunction<JarlMetrics> read = m -> m.connection(peer, f);
        return Gauge.builder(name, this, read).tags(t).baseUnit(unit).description(description).register(r);
    }

    /** {@code f} of {@code peer}'s connection in the current snapshot; NaN when it is not up. */
    private double connection(NodeName peer, ToLongFunction<ConnectionStats> f) {
        return stats().connection(peer).map(c -> (double) f.applyAsLong(c)).orElse(Double.NaN);
    }

    /** A snapshot at most the maximum age old. */
    private NodeStats stats() {
        NodeStats s = snapshot;
        if (s == null || System.nanoTime() - snapshotAt > maxAgeNanos) {
            s = fresh();
        }
        return s;
    }

    private NodeStats fresh() {
        NodeStats s = node.stats();
        snapshotAt = System.nanoTime();
        snapshot = s;
        return s;
    }
}
