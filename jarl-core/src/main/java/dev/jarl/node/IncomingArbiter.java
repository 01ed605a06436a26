/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.channel.DistConnection;
import dev.jarl.handshake.Arbiter;
import dev.jarl.node.Peer.Attempt;
import dev.jarl.node.Peer.State;
import dev.jarl.term.NodeName;

/**
 * The arbiter of an incoming attempt: OTP's {@code accept_pending} (what to answer a peer
 * whose name is now known, from the state of its row) and {@code wait_pending} (wait for the
 * old connection of a restarted peer to go down). Called on the attempt's handshake thread;
 * it takes the row's lock, never two.
 */
final class IncomingArbiter implements Arbiter {

private static final Logger LOG = System.getLogger(IncomingArbiter.class.getName());

private final ConnectionTable table;
private final NodeConfig config;
private final Attempt attempt;

IncomingArbiter(ConnectionTable table, Attempt attempt) {
    this.table = table;
    this.config = table.config();
    this.attempt = attempt;
}

    @Override
    public Status markPending(NodeName name, long peerFlags, int peerCreation) {
        attempt.introduced = true;
        if (table.closing()) {
            return Status.NOT_ALLOWED;
        }
        if (name.equals(config.name())) {
            return Status.NOT_ALLOWED;
        }
        if (name.isLongName() != config.name().isLongName()) {
            LOG.log(Level.WARNING, "refusing {0}: {1} names cannot talk to {2} names", name,
                    name.isLongName() ? "long" : "short", config.name().isLongName() ? "long" : "short");
            return Status.NOT_ALLOWED;
        }
        Peer p = table.lockedPeer(name);
        // our attempt failed and still fails what waited on it: the row is free (IDLE, or a
        // new attempt of ours) once that is done; taken over before, what the failed attempt
        // fails would include what this connection is to serve
        long left = config.setupTime().toNanos();
        while (ConnectionTable.failing(p) && left > 0) {
            try {
                left = p.changed.awaitNanos(left);
            } catch (InterruptedException e) {
                p.lock.unlock();
                Thread.currentThread().interrupt();
                return Status.NOT_ALLOWED;
            }
            if (p.removed) {
                p.lock.unlock();
                p = table.lockedPeer(name);
            }
        }
        attempt.peer = p;
        Attempt cancel = null;
        Status status;
        try {
            status = switch (p.state) {
                case IDLE -> {
                    p.state = State.PENDING;
                    p.owner = attempt;
                    yield Status.OK;
                }
                case PENDING -> {
                    if (ConnectionTable.ourAttemptWins(config.name(), name)) {
                        yield Status.NOK;
                    }
                    cancel = p.owner;
                    p.owner = attempt;
                    yield Status.OK_SIMULTANEOUS;
                }
                case UP -> {
                    p.state = State.UP_PENDING;
                    p.pendingOwner = attempt;
                    yield Status.ALIVE;
                }
                case UP_PENDING -> Status.UP_PENDING;
            };
            p.changed.signalAll();
        } finally {
            p.lock.unlock();
        }
        if (cancel != null) {
            cancel.cancel();
        }
        return status;
    }

    @Override
    public boolean isPending(NodeName peer) {
        throw new IllegalStateException("isPending on an incoming attempt from " + peer);
    }

    @Override
    public void authenticated(NodeName peer) {
        table.pending().settle(attempt);
    }

    @Override
    public void awaitPreviousDown(NodeName name, Duration timeout) throws HandshakeException {
        Peer p = attempt.peer;
        DistConnection old;
        p.lock.lock();
        try {
            old = p.connection;
        } finally {
            p.lock.unlock();
        }
        if (old != null) {
            old.close(new ConnectionFate.Closed("replaced by a new connection from the restarted peer (wait_pending)"));
        }
        long left = timeout.toNanos();
        p.lock.lock();
        try {
            while (p.pendingOwner == attempt && p.state == State.UP_PENDING) {
                if (table.closing()) {
                    throw new HandshakeException(HandshakeException.Reason.SHUTDOWN, "node " + config.name() + " stopping");
                }
                if (left <= 0) {
                    throw new HandshakeException(HandshakeException.Reason.TIMEOUT,
                            "old connection to " + name + " did not go down within " + timeout);
                }
                left = p.changed.awaitNanos(left);
            }
            if (p.owner != attempt) {
                throw new HandshakeException(HandshakeException.Reason.SHUTDOWN,
                        "attempt from " + name + " was superseded");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandshakeException(HandshakeException.Reason.SHUTDOWN, "interrupted", e);
        } finally {
            p.lock.unlock();
        }
    }
}
