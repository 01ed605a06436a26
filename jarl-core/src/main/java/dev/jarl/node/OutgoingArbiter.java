/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;

import dev.jarl.handshake.Arbiter;
import dev.jarl.node.Peer.Attempt;
import dev.jarl.node.Peer.State;
import dev.jarl.term.NodeName;

/**
 * The arbiter of an outgoing attempt: answers {@code is_pending} (is this attempt still the
 * one that owns the row?). Called on the attempt's handshake thread.
 */
final class OutgoingArbiter implements Arbiter {
    private final Attempt attempt;

    OutgoingArbiter(Attempt attempt) {
        this.attempt = attempt;
    }

    @Override
    public Status markPending(NodeName peer, long peerFlags, int peerCreation) {
        throw new IllegalStateException("markPending on an outgoing attempt to " + peer);
    }

    @Override
    public boolean isPending(NodeName peer) {
        Peer p = attempt.peer;
        p.lock.lock();
        try {
            return p.owner == attempt && p.state == State.PENDING && !attempt.cancelled;
        } finally {
            p.lock.unlock();
        }
    }

    @Override
    public void awaitPreviousDown(NodeName peer, Duration timeout) {
        throw new IllegalStateException("awaitPreviousDown on an outgoing attempt to " + peer);
    }
}
