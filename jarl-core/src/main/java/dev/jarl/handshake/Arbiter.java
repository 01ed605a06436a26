/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.time.Duration;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.term.NodeName;

/**
 * The node's part of a handshake: its connection table decides what happens when attempts
 * meet (OTP's {@code net_kernel} answering {@code accept_pending}, {@code is_pending} and
 * {@code wait_pending} for {@code dist_util}). The handshake asks; the node decides.
 *
 * <p>Called from the handshake's thread; implementations are thread-safe and may block for
 * short waits only (except {@link #awaitPreviousDown}).
 */
public interface Arbiter {

    /** The node's verdict on an incoming attempt; the handshake sends it as the status. */
    enum Status {
        /** No connection and no attempt of our own: go on ({@code ok}). */
        OK,
        /**
         * Our own attempt to this peer was pending and loses (this node's name sorts before
         * the peer's); the node has cancelled it: go on ({@code ok_simultaneous}).
         */
        OK_SIMULTANEOUS,
        /**
         * Our own attempt to this peer is pending and wins (this node's name sorts after the
         * peer's): refuse this one ({@code nok}).
         */
        NOK,
        /**
         * A connection to the peer is up: ask the initiator ({@code alive}); if it answers
         * {@code true}, the handshake completes after {@link #awaitPreviousDown}.
         */
        ALIVE,
        /** The node refuses the peer ({@code not_allowed}). */
        NOT_ALLOWED,
        /** Another incoming attempt for this peer is already under way: stop silently. */
        UP_PENDING
    }

    /**
     * Registers an incoming attempt from {@code peer} (called by the accepting side once the
     * peer's name and flags arrived and passed the checks) and says how to go on. For
     * {@link Status#OK}, {@link Status#OK_SIMULTANEOUS} and {@link Status#ALIVE} the node now
     * considers this attempt pending for {@code peer}; if the handshake then fails it is the
     * node's to clear (the caller of {@link Handshake#accept} sees the exception).
     *
     * @param peerFlags    the peer's flags, digest expanded (publish type is
     *                     {@link DistFlags#PUBLISHED})
     * @param peerCreation the peer's creation (0 when an OTP 23/24 initiator has not sent its
     *                     complement yet)
     */
    Status markPending(NodeName peer, long peerFlags, int peerCreation);

    /**
     * Asked on the initiating side when the acceptor answered {@code alive}: true iff the
     * attempt calling is still this node's pending attempt to {@code peer} (so the old
     * connection should be replaced), false when it is not (the attempt ends).
     */
    boolean isPending(NodeName peer);

    /**
     * On the accepting side, after the initiator confirmed {@code alive} with {@code true} and
     * proved the cookie: take the old connection to {@code peer} down and return once it is
     * down, so that the new one can be acknowledged.
     *
     * @throws HandshakeException with {@link HandshakeException.Reason#TIMEOUT} when the old
     *                            connection is not down within {@code timeout}, or
     *                            {@link HandshakeException.Reason#SHUTDOWN} when the node stops
     */
    void awaitPreviousDown(NodeName peer, Duration timeout) throws HandshakeException;

    /**
     * On the accepting side, once {@code peer} proved the cookie (its challenge reply
     * matched): from here on the attempt is authenticated. The node counts and times
     * unauthenticated attempts apart from these. The default does nothing.
     */
    default void authenticated(NodeName peer) {
    }
}
