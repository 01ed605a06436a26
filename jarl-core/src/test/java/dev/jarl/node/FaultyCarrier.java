/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.Listener;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Faults;

/**
 * A carrier around another that fails where a test says: {@link #acceptFaults} are thrown by
 * the listener's {@code accept()} one each (an {@code IOException} of a full file table, an
 * {@code OutOfMemoryError}), {@link #breakListener()} closes the listener for good underneath
 * the node, and {@link #statsFault} is thrown by {@code stats()} on the node's ticker thread
 * for the connection this node dialed to {@link #statsFaultPeer}.
 */
final class FaultyCarrier implements Carrier {

    private final Carrier inner;
    /** Thrown by accept(), one each, before it accepts for real. */
    final ConcurrentLinkedQueue<Throwable> acceptFaults = new ConcurrentLinkedQueue<>();
    /** Thrown by connect(), one each, before it connects for real. */
    final ConcurrentLinkedQueue<Throwable> connectFaults = new ConcurrentLinkedQueue<>();
    /** Thrown by handshakeComplete() of a connection, one each, instead of starting it. */
    final ConcurrentLinkedQueue<Throwable> completeFaults = new ConcurrentLinkedQueue<>();
    /** Thrown by stats() of the connection dialed to {@link #statsFaultPeer}, on the ticker's thread. */
    volatile Error statsFault;
    volatile NodeName statsFaultPeer;
    private volatile FaultyListener listener;

    FaultyCarrier(Carrier inner) {
        this.inner = inner;
    }

    /** Closes the real listener and makes the wrapper report itself closed: the node cannot accept any more. */
    void breakListener() throws IOException {
        FaultyListener l = listener;
        l.broken = true;
        l.inner.close();
    }

    @Override
    public String name() {
        return "faulty-" + inner.name();
    }

    @Override
    public Listener listen(NodeName self) throws IOException {
        FaultyListener l = new FaultyListener(inner.listen(self));
        listener = l;
        return l;
    }

    @Override
    public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
        Faults.throwNext(connectFaults);
        return new FaultyConnection(inner.connect(peer, timeout), peer);
    }

    @Override
    public boolean select(NodeName node) {
        return inner.select(node);
    }

    private final class FaultyListener implements Listener {
        final Listener inner;
        volatile boolean broken;

        FaultyListener(Listener inner) {
            this.inner = inner;
        }

        @Override
        public CarrierConnection accept() throws IOException {
            Faults.throwNext(acceptFaults);
            return new FaultyConnection(inner.accept(), null);
        }

        @Override
        public boolean isOpen() {
            return !broken && inner.isOpen();
        }

        @Override
        public OptionalInt port() {
            return inner.port();
        }

        @Override
        public OptionalInt creation() {
            return inner.creation();
        }

        @Override
        public String address() {
            return inner.address();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    private final class FaultyConnection implements CarrierConnection {
        private final CarrierConnection inner;
        private final NodeName dialed;

        FaultyConnection(CarrierConnection inner, NodeName dialed) {
            this.inner = inner;
            this.dialed = dialed;
        }

        @Override
        public void sendHandshake(byte[] message) throws IOException {
            inner.sendHandshake(message);
        }

        @Override
        public byte[] receiveHandshake(Duration timeout) throws IOException {
            return inner.receiveHandshake(timeout);
        }

        @Override
        public void preNodeup() throws IOException {
            inner.preNodeup();
        }

        @Override
        public void postNodeup() throws IOException {
            inner.postNodeup();
        }

        @Override
        public void handshakeComplete(DistChannel channel) {
            Throwable fault = completeFaults.poll();
            if (fault instanceof Error e) {
                inner.close();
                throw e;
            }
            inner.handshakeComplete(channel);
        }

        @Override
        public void tick() {
            inner.tick();
        }

        @Override
        public boolean writeQueued() {
            return inner.writeQueued();
        }

        @Override
        public CarrierStats stats() {
            Error fault = statsFault;
            if (fault != null && dialed != null && dialed.equals(statsFaultPeer)
                    && Thread.currentThread().getName().startsWith("jarl-ticker-")) {
                throw fault;
            }
            return inner.stats();
        }

        @Override
        public String peerAddress() {
            return inner.peerAddress();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
