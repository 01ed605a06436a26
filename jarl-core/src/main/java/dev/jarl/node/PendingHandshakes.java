/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.node.Peer.Attempt;

/**
 * The bound on incoming connections whose peer has not yet proved the cookie: at most
 * {@link NodeConfig#maxPendingHandshakes()} are held, and each is closed when
 * {@link NodeConfig#pendingHandshakeTime()} has passed since it arrived. A peer that opens
 * connections and never completes a handshake can therefore neither exhaust the node nor
 * lock out peers that complete theirs in time.
 *
 * <p>When one more arrives at a full bound, one held attempt is closed to make room, in this
 * order: first the oldest that has not yet sent a complete, valid first message (its name:
 * {@link Attempt#introduced}), and only when every held attempt has, the oldest of all. An
 * honest initiator sends its name as soon as it is connected, so a flood of connections that
 * send nothing (the cheapest attack) only ever closes its own, however slowly a real peer
 * goes through the rest of its handshake on a busy machine. The BEAM holds no such bound:
 * {@code net_kernel} spawns a handshake process per accepted connection, bounded only by
 * {@code net_setuptime}; the bound here keeps a flood from costing the node memory and
 * threads without limit.
 *
 * <p>Threading: {@link #admit} runs on the acceptor, {@link #settle} on the handshake
 * threads, {@link #expireLoop} on a virtual thread of its own (the handshake timer); all
 * under one lock.
 */
final class PendingHandshakes {

    private static final Logger LOG = System.getLogger(PendingHandshakes.class.getName());

    /** Incoming attempts whose peer has not proved the cookie, oldest first; under {@link #pendingLock}. */
    private final LinkedHashSet<Attempt> unauthenticated = new LinkedHashSet<>();
    private final ReentrantLock pendingLock = new ReentrantLock();
    private final Condition pendingChanged = pendingLock.newCondition();
    /** One line per interval about connections the bound or the timer closed. */
    private final LogLimit evictions = new LogLimit(ConnectionTable.LOG_INTERVAL_NANOS, 1);
    private final NodeConfig config;
    private volatile boolean closing;

    PendingHandshakes(NodeConfig config) {
        this.config = config;
    }

    /**
     * Counts {@code a} among the unauthenticated attempts; when the bound is full, one is
     * closed to make room ({@link #victim()}): a peer that holds connections open without a
     * handshake cannot lock out the ones that complete theirs in time.
     */
    void admit(Attempt a) {
        List<Attempt> evicted = new ArrayList<>(1);
        pendingLock.lock();
        try {
            while (unauthenticated.size() >= config.maxPendingHandshakes()) {
                Attempt victim = victim();
                unauthenticated.remove(victim);
                victim.closedBecause = "closed to admit a newer connection: " + config.maxPendingHandshakes()
                        + " unauthenticated connections held (expected: at most " + config.maxPendingHandshakes() + ")"
                        + (victim.introduced ? "" : " and this one had not sent its name");
                evicted.add(victim);
            }
            a.deadline = System.nanoTime() + config.pendingHandshakeTime().toNanos();
            unauthenticated.addLast(a);
            pendingChanged.signalAll();
        } finally {
            pendingLock.unlock();
        }
        for (Attempt old : evicted) {
            old.cancel();
            long suppressed = evictions.allow();
            if (suppressed >= 0) {
                LOG.log(Level.WARNING, "{0}: closed the oldest unauthenticated connection {1}({2}) to admit one from {3}: "
                        + "at most {4} are held{5}", config.name(), old.introduced ? "" : "that had not sent its name ",
                        old.transport.peerAddress(), a.transport.peerAddress(), config.maxPendingHandshakes(),
                        LogLimit.more(suppressed));
            }
        }
    }

    /**
     * The attempt to close for a newer one: the oldest that has not sent its name, else the
     * oldest of all. Under {@link #pendingLock}, the set not empty; a linear scan of at most
     * {@link NodeConfig#maxPendingHandshakes()}, which a flood of silent connections ends at
     * its first element (they are all silent and the oldest comes first).
     */
    private Attempt victim() {
        for (Attempt held : unauthenticated) {
            if (!held.introduced) {
                return held;
            }
        }
        return unauthenticated.getFirst();
    }

    /** {@code a} authenticated, failed or succeeded: it no longer counts against the bound. */
    void settle(Attempt a) {
        pendingLock.lock();
        try {
            unauthenticated.remove(a);
        } finally {
            pendingLock.unlock();
        }
    }

    /** Unauthenticated incoming attempts now. */
    int count() {
        pendingLock.lock();
        try {
            return unauthenticated.size();
        } finally {
            pendingLock.unlock();
        }
    }

    /** Closes each unauthenticated attempt when its time is up; runs until the table closes. */
    void expireLoop() {
        List<Attempt> expired = new ArrayList<>();
        while (!closing) {
            try {
                pendingLock.lock();
                try {
                    Attempt oldest = unauthenticated.isEmpty() ? null : unauthenticated.getFirst();
                    if (oldest == null) {
                        pendingChanged.await();
                        continue;
                    }
                    long left = oldest.deadline - System.nanoTime();
                    if (left > 0) {
                        pendingChanged.awaitNanos(left);
                        continue;
                    }
                    unauthenticated.removeFirst();
                    oldest.closedBecause = "not authenticated within " + config.pendingHandshakeTime().toMillis()
                            + " ms of arriving (the pending handshake time)";
                    expired.add(oldest);
                } finally {
                    pendingLock.unlock();
                }
                for (Attempt a : expired) {
                    a.cancel();
                    long suppressed = evictions.allow();
                    if (suppressed >= 0) {
                        LOG.log(Level.WARNING, "{0}: closed an unauthenticated connection from {1} after {2} ms{3}",
                                config.name(), a.transport.peerAddress(), config.pendingHandshakeTime().toMillis(),
                                LogLimit.more(suppressed));
                    }
                }
            } catch (InterruptedException stopping) {
                return;
            } catch (Throwable e) { // the timer must outlive anything one round meets
                LOG.log(Level.ERROR, "handshake timer of " + config.name() + " failed; going on", e);
                try {
                    Thread.sleep(ConnectionTable.ACCEPT_PAUSE_MAX_NANOS / 1_000_000);
                } catch (InterruptedException stopping) {
                    return;
                }
            } finally {
                expired.clear();
            }
        }
    }

    /** Stops the timer and hands back the attempts still unauthenticated, for the caller to cancel. */
    List<Attempt> close() {
        pendingLock.lock();
        try {
            closing = true;
            List<Attempt> left = new ArrayList<>(unauthenticated);
            unauthenticated.clear();
            pendingChanged.signalAll();
            return left;
        } finally {
            pendingLock.unlock();
        }
    }
}
