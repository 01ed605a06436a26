/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.jarl.term.NodeName;

/** An arbiter with fixed answers that records what it was asked. */
final class TestArbiter implements Arbiter {

    final Status status;
    final boolean pending;
    final List<NodeName> marked = new CopyOnWriteArrayList<>();
    final List<NodeName> askedPending = new CopyOnWriteArrayList<>();
    final AtomicInteger awaitedDown = new AtomicInteger();

    TestArbiter(Status status) {
        this(status, true);
    }

    TestArbiter(Status status, boolean pending) {
        this.status = status;
        this.pending = pending;
    }

    @Override
    public Status markPending(NodeName peer, long peerFlags, int peerCreation) {
        marked.add(peer);
        return status;
    }

    @Override
    public boolean isPending(NodeName peer) {
        askedPending.add(peer);
        return pending;
    }

    @Override
    public void awaitPreviousDown(NodeName peer, Duration timeout) {
        awaitedDown.incrementAndGet();
    }
}
