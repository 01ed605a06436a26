/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.mem;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.OptionalInt;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.term.NodeName;

/** A node listening in a {@link MemHub}: connections dialed to it wait here for accept. */
final class MemListener implements Listener {

    private final MemHub hub;
    private final NodeName self;
    private final int creation;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<MemConnection> backlog = new ArrayDeque<>();
    private boolean closed;

    MemListener(MemHub hub, NodeName self, int creation) {
        this.hub = hub;
        this.self = self;
        this.creation = creation;
    }

    NodeName self() {
        return self;
    }

    CarrierConnection dial(NodeName from) throws IOException {
        MemConnection[] pair = hub.pair(from, self);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("mem: " + self + " stopped listening");
            }
            backlog.addLast(pair[1]);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        return pair[0];
    }

    @Override
    public CarrierConnection accept() throws IOException {
        lock.lock();
        try {
            while (backlog.isEmpty()) {
                if (closed) {
                    throw new IOException("mem listener of " + self + " closed");
                }
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("mem listener of " + self + ": accept interrupted", e);
                }
            }
            return backlog.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalInt port() {
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt creation() {
        return OptionalInt.of(creation);
    }

    @Override
    public String address() {
        return "mem:" + self;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (MemConnection c : backlog) {
                c.close();
            }
            backlog.clear();
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        hub.unlisten(this);
    }
}
