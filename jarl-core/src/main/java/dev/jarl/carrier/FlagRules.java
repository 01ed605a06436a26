/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

/**
 * How a carrier changes the distribution flags of a handshake: OTP's {@code add_flags},
 * {@code reject_flags} and {@code require_flags} of {@code #hs_data{}} (new in OTP 21,
 * documented in {@code alt_dist.md}). The node offers
 * {@code (offered | add) & ~reject} and refuses a peer that lacks any flag of
 * {@code required | require}: the handshake fails with
 * {@link HandshakeException.Reason#MISSING_FLAGS}, naming the missing flags, as OTP's
 * {@code check_dflags} does.
 *
 * <p>As in OTP, only {@link #REJECTABLE} flags (the atom-cache flags and
 * {@link DistFlags#FRAGMENTS}) can be rejected, since the rest are mandatory or change no
 * encoding the carrier could object to, and only {@link #ADDABLE} flags (Jarl's defaults) can
 * be added, since a flag the node does not implement cannot be offered. Any flag can be
 * required.
 *
 * @param add     flags to offer besides the node's; a subset of {@link #ADDABLE}
 * @param reject  flags not to offer; a subset of {@link #REJECTABLE}
 * @param require flags the peer must offer, besides the node's required ones
 */
public record FlagRules(long add, long reject, long require) {

    /** No change: what a carrier applies unless it says otherwise. */
    public static final FlagRules NONE = new FlagRules(0, 0, 0);

    /** The flags a carrier may reject: OTP's {@code DFLAG_DIST_REJECTABLE}. */
    public static final long REJECTABLE = DistFlags.DIST_HDR_ATOM_CACHE | DistFlags.HIDDEN_ATOM_CACHE
            | DistFlags.ATOM_CACHE | DistFlags.FRAGMENTS;

    /** The flags a carrier may add: the defaults ({@code DFLAG_DIST_ADDABLE}). */
    public static final long ADDABLE = DistFlags.DEFAULT_OFFERED;

    /**
     * Checks the sets.
     *
     * @throws IllegalArgumentException naming the flags that may not be added or rejected
     */
    public FlagRules {
        if ((add & ~ADDABLE) != 0) {
            throw new IllegalArgumentException("add: " + DistFlags.names(add & ~ADDABLE)
                    + " (expected: default flags only, " + DistFlags.names(ADDABLE) + ")");
        }
        if ((reject & ~REJECTABLE) != 0) {
            throw new IllegalArgumentException("reject: " + DistFlags.names(reject & ~REJECTABLE)
                    + " (expected: only " + DistFlags.names(REJECTABLE) + ")");
        }
    }

    /** Rules that reject {@code flags}. */
    public static FlagRules rejecting(long flags) {
        return new FlagRules(0, flags, 0);
    }

    /** Rules that require {@code flags} of the peer. */
    public static FlagRules requiring(long flags) {
        return new FlagRules(0, 0, flags);
    }

    /** The flags to offer, from the node's {@code offered}. */
    public long offered(long offered) {
        return (offered | add) & ~reject;
    }

    /** The flags to require of the peer, from the node's {@code required}. */
    public long required(long required) {
        return required | require;
    }
}
