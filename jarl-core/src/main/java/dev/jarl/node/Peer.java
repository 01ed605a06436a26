/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.term.NodeName;

/**
 * One row of the connection table: what this node knows of one peer node (OTP's
 * {@code #connection{}} record in {@code sys_dist}). Guarded by its own lock; nothing that
 * blocks on the network runs under it.
 */
final class Peer {

    /** The row's state, as net_kernel's. */
    enum State {
        /** No connection and no attempt. */
        IDLE,
        /** An attempt (ours or the peer's) owns the row; messages wait in {@link #queued}. */
        PENDING,
        /** A connection is up. */
        UP,
        /** A connection is up and a new incoming attempt waits to replace it. */
        UP_PENDING
    }

    /** One connection attempt, outgoing or incoming. */
    static final class Attempt {
        final boolean outgoing;
        volatile Peer peer;
        volatile CarrierConnection transport;
        volatile boolean cancelled;
        /** Incoming: why the table closed it before it authenticated, or null. */
        volatile String closedBecause;
        /** Incoming: when it must have authenticated ({@link System#nanoTime()}). */
        long deadline;
        /**
         * Incoming: the peer sent a complete, valid first message (its name), so the
         * handshake is under way; {@link PendingHandshakes} closes such attempts for a newer
         * one only when no silent one is left to close.
         */
        volatile boolean introduced;
        /**
         * The attempt failed and is failing what waited on it (node monitors, links,
         * monitors) while it still owns its row; with the row's lock held. Until it lets the
         * row go, an incoming attempt waits instead of taking the row over, and what asks
         * for a connection meanwhile is for the next attempt ({@link Peer#retry}).
         */
        boolean failing;

        Attempt(boolean outgoing, Peer peer) {
            this.outgoing = outgoing;
            this.peer = peer;
        }

        /** Stops the attempt: closes its transport so a blocked handshake step fails. */
        void cancel() {
            cancelled = true;
            CarrierConnection t = transport;
            if (t != null) {
                t.close();
            }
        }
    }

    final NodeName name;
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every state change. */
    final Condition changed = lock.newCondition();

    State state = State.IDLE;
    /** The pending attempt (PENDING), null otherwise. */
    Attempt owner;
    /** The incoming attempt that waits to replace the connection (UP_PENDING). */
    Attempt pendingOwner;
    /** The connection (UP, UP_PENDING). */
    DistConnection connection;
    /** Signals sent while PENDING, in order. */
    final ArrayDeque<Signal> queued = new ArrayDeque<>();
    /** Counts failed attempts, so waiters can tell that theirs failed. */
    long failures;
    /** Why the last attempt failed. */
    ConnectionFate lastFailure;
    /** What ended the last failed attempt, when an exception did (for the caller's cause). */
    Exception lastFailureCause;
    /**
     * Something asked for a connection (a node monitor, say) while the owner was
     * {@link Attempt#failing}: the next attempt starts once the row is free.
     */
    boolean retry;
    /** Threads waiting in {@code connect} for this row; a row with waiters stays in the table. */
    int waiters;
    /**
     * True once the row left the table (IDLE and unused: nothing of a failed attempt or a
     * closed connection is kept). Whoever locks a row checks this and takes a fresh one.
     */
    boolean removed;

    Peer(NodeName name) {
        this.name = name;
    }
}
