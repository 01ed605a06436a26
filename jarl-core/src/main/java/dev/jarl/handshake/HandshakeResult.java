/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.NodeName;

/**
 * A completed handshake: who the peer is and what both sides agreed.
 *
 * @param peer          the peer's node name
 * @param peerFlags     the flags the peer offered, with {@link DistFlags#MANDATORY_25_DIGEST}
 *                      expanded
 * @param agreedFlags   {@code offeredFlags & peerFlags}: what the connection may use (as OTP's
 *                      {@code dist_util:adjust_flags/2})
 * @param peerCreation  the peer's creation; pids, ports and references of an older
 *                      incarnation carry another one
 * @param initiatedHere true when this node dialed ({@link Handshake#initiate}), false when it
 *                      accepted
 */
public record HandshakeResult(NodeName peer, long peerFlags, long agreedFlags, int peerCreation,
                              boolean initiatedHere) {

    /** True when the agreed flags make the connection visible ({@link DistFlags#PUBLISHED}). */
    public boolean published() {
        return (agreedFlags & DistFlags.PUBLISHED) != 0;
    }

    @Override
    public String toString() {
        return "HandshakeResult[peer=" + peer + ", creation=" + Integer.toUnsignedString(peerCreation)
                + ", agreed=0x" + Long.toHexString(agreedFlags) + ", peerFlags=0x" + Long.toHexString(peerFlags)
                + ", " + (initiatedHere ? "initiated" : "accepted") + "]";
    }
}
