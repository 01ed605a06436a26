/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.mem;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.term.NodeName;

/**
 * The shared state of one in-memory network: listeners by node name, live connections, and
 * the test hooks (stall, delay, cut). The public face is {@link dev.jarl.carriers.MemNetwork}.
 */
public final class MemHub {

    private final ConcurrentHashMap<NodeName, MemListener> listeners = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<NodeName, AtomicInteger> creations = new ConcurrentHashMap<>();
    private final Set<NodeName> stalled = ConcurrentHashMap.newKeySet();
    private final List<MemConnection> connections = new CopyOnWriteArrayList<>();
    private volatile long delayNanos;

    /**
     * A carrier attached to this hub, for one node: it learns the node's name in
     * {@link Carrier#listen(NodeName)} and dials in that name.
     */
    public Carrier carrier() {
        return new Carrier() {
            private volatile NodeName self;

            @Override
            public String name() {
                return "mem";
            }

            @Override
            public Listener listen(NodeName node) throws IOException {
                Listener l = MemHub.this.listen(node);
                self = node;
                return l;
            }

            @Override
            public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
                NodeName me = self;
                if (me == null) {
                    throw new IOException("mem: connect to " + peer + " before listen (the carrier dials in its node's name)");
                }
                return MemHub.this.connect(me, peer);
            }

            @Override
            public boolean select(NodeName node) {
                return true;
            }
        };
    }

    MemListener listen(NodeName self) throws IOException {
        int creation = creations.computeIfAbsent(self,
                n -> new AtomicInteger(1 + ThreadLocalRandom.current().nextInt(1 << 30))).incrementAndGet();
        MemListener l = new MemListener(this, self, creation);
        if (listeners.putIfAbsent(self, l) != null) {
            throw new IOException("mem: a node named " + self + " is already listening in this network");
        }
        return l;
    }

    void unlisten(MemListener l) {
        listeners.remove(l.self(), l);
    }

    CarrierConnection connect(NodeName self, NodeName peer) throws IOException {
        MemListener l = listeners.get(peer);
        if (l == null) {
            throw new IOException("mem: no node named " + peer + " listens in this network");
        }
        return l.dial(self);
    }

    MemConnection[] pair(NodeName dialer, NodeName acceptor) {
        MemPipe out = new MemPipe(this, dialer, acceptor);
        MemPipe in = new MemPipe(this, acceptor, dialer);
        MemConnection dialing = new MemConnection(this, dialer, acceptor, in, out);
        MemConnection accepted = new MemConnection(this, acceptor, dialer, out, in);
        connections.add(dialing);
        connections.add(accepted);
        return new MemConnection[] {dialing, accepted};
    }

    void forget(MemConnection c) {
        connections.remove(c);
    }

    long delayNanos() {
        return delayNanos;
    }

    boolean stalled(NodeName node) {
        return !stalled.isEmpty() && stalled.contains(node);
    }

    /** Holds back every packet from and to {@code node}, as if it were frozen. */
    public void stall(NodeName node) {
        stalled.add(node);
        pokeAll();
    }

    /** Undoes {@link #stall(NodeName)}. */
    public void resume(NodeName node) {
        stalled.remove(node);
        pokeAll();
    }

    /** Delays every packet sent from now on by {@code delay}. */
    public void delay(Duration delay) {
        this.delayNanos = delay.toNanos();
        pokeAll();
    }

    /** Closes every connection between {@code a} and {@code b}; returns how many ends were closed. */
    public int cut(NodeName a, NodeName b) {
        int n = 0;
        for (MemConnection c : connections) {
            if ((c.self().equals(a) && c.peer().equals(b)) || (c.self().equals(b) && c.peer().equals(a))) {
                c.cut("cut by the test network");
                n++;
            }
        }
        return n;
    }

    private void pokeAll() {
        for (MemConnection c : connections) {
            c.poke();
        }
    }
}
