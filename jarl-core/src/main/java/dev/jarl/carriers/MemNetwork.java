/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.time.Duration;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.mem.MemHub;
import dev.jarl.term.NodeName;

/**
 * An in-JVM network for the {@code mem} carrier: Jarl nodes in one JVM connected by
 * in-memory pipes, addressed by node name, with the same handshake and packets as TCP.
 * Useful for tests and for embedding several nodes in one process.
 *
 * <pre>{@code
 * MemNetwork net = new MemNetwork();
 * Node a = Node.start(NodeConfig.builder("a@mem").cookie("c").carrier(net.carrier()).build());
 * Node b = Node.start(NodeConfig.builder("b@mem").cookie("c").carrier(net.carrier()).build());
 * }</pre>
 *
 * <p>Give each node its own {@link #carrier()}: a carrier learns its node's name when the
 * node listens and dials in that name. Each {@code listen} gets a new creation, so a node
 * restarted under the same name is a new incarnation.
 *
 * <p>Test hooks: {@link #stall(NodeName)} freezes a node's traffic (its peers see silence,
 * as with {@code kill -STOP}), {@link #delay(Duration)} delays packets, {@link #cut}
 * closes connections. Thread-safe.
 */
public final class MemNetwork {

    private final MemHub hub = new MemHub();

    /** Creates an empty network. */
    public MemNetwork() {
    }

    /** A new carrier attached to this network, for one node. */
    public Carrier carrier() {
        return hub.carrier();
    }

    /** Holds back every packet from and to {@code node} until {@link #resume(NodeName)}. */
    public void stall(NodeName node) {
        hub.stall(node);
    }

    /** Lets {@code node}'s traffic move again; held packets are delivered in order. */
    public void resume(NodeName node) {
        hub.resume(node);
    }

    /** Delays every packet sent from now on by {@code delay} (zero: no delay). */
    public void delay(Duration delay) {
        hub.delay(delay);
    }

    /** Closes every connection between {@code a} and {@code b}, as a network failure would. */
    public int cut(NodeName a, NodeName b) {
        return hub.cut(a, b);
    }
}
