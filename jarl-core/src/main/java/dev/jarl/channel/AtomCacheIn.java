/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import dev.jarl.term.Atom;
import dev.jarl.term.TermReader;

/**
 * The input half of one connection's atom cache (DIST_HDR_ATOM_CACHE): the 2048 entries
 * (8 segments of 256) the peer fills through the headers it sends. Reading a header updates
 * the entries it marks new and returns the atoms its {@code ATOM_CACHE_REF}s stand for.
 * A first fragment's header is read when that fragment arrives, because the peer may refer
 * to its new entries from messages it sends before the last fragment. Confined to the
 * connection's input party: not thread-safe.
 */
public final class AtomCacheIn {

    private static final Atom[] NONE = new Atom[0];

    private final Atom[] entries = new Atom[AtomCacheOut.SIZE];
    private volatile long referencesRead;

    /** An empty cache, as at the start of a connection. */
    public AtomCacheIn() {
    }

    /**
     * Reads {@code NumberOfAtomCacheRefs}, the flags and the references at the reader's
     * position, leaving it at the first term.
     *
     * @param cache the connection's cache, or null when DIST_HDR_ATOM_CACHE was not agreed
     *              (then only {@code N = 0} is valid)
     * @return the atoms by reference index (empty for {@code N = 0})
     * @throws DistProtocolException for a reference to an entry the peer never filled, or
     *                               references without an agreed cache
     */
    static Atom[] readHeader(AtomCacheIn cache, TermReader r) throws DistProtocolException {
        int at = r.position();
        int n = r.readUnsignedByte("number of atom cache references");
        if (n == 0) {
            return NONE;
        }
        if (cache == null) {
            throw new DistProtocolException("distribution header atom-cache references: " + n
                    + " (expected: 0, DIST_HDR_ATOM_CACHE was not agreed) at offset " + at);
        }
        return cache.read(r, n);
    }

    /** Atom-cache references read so far (written by the input party only). */
    long referencesRead() {
        return referencesRead;
    }

    private Atom[] read(TermReader r, int n) throws DistProtocolException {
        int[] flags = new int[n + 1];
        for (int i = 0; i < n / 2 + 1; i++) {
            int b = r.readUnsignedByte("atom cache flags");
            flags[2 * i] = b & 0xF;
            if (2 * i + 1 <= n) {
                flags[2 * i + 1] = b >>> 4;
            }
        }
        referencesRead += n;
        boolean longAtoms = (flags[n] & 1) != 0;
        Atom[] refs = new Atom[n];
        for (int i = 0; i < n; i++) {
            int entry = ((flags[i] & 7) << 8) | r.readUnsignedByte("atom cache reference");
            if ((flags[i] & 8) != 0) {
                int length = longAtoms ? r.readUnsignedShort("atom cache text length")
                        : r.readUnsignedByte("atom cache text length");
                Atom atom = r.readAtomText(length);
                entries[entry] = atom;
                refs[i] = atom;
            } else {
                Atom atom = entries[entry];
                if (atom == null) {
                    throw new DistProtocolException("atom cache reference " + i + ": segment " + (entry >>> 8)
                            + " index " + (entry & 0xFF) + " (expected: an entry an earlier header filled) at offset "
                            + r.position());
                }
                refs[i] = atom;
            }
        }
        return refs;
    }
}
