/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.ToIntFunction;

import dev.jarl.term.Atom;
import dev.jarl.term.TermWriter;

/**
 * The output half of one connection's atom cache (DIST_HDR_ATOM_CACHE): which atom this node
 * last put in each of the 2048 entries (8 segments of 256) that the peer keeps for this
 * connection ({@code erl_ext_dist}, "Distribution Header").
 *
 * <p>Two steps, as the BEAM does it. On the sender's thread a message's terms are encoded
 * with a {@link Refs} that turns each atom into an {@code ATOM_CACHE_REF} with a
 * <em>message-local</em> index and remembers the atoms. Only when the message's first packet
 * leaves, in output order, does {@link #writeHeader} decide which references are new
 * entries and which the peer already holds, and update this cache. So however the output
 * queue interleaves messages (fragments), the peer learns every entry before a header relies
 * on it. Confined to the connection's output party: not thread-safe.
 */
public final class AtomCacheOut {

    /** Entries per connection and direction: 8 segments of 256. */
    public static final int SIZE = 2048;
    /** At most this many references in one header (indices 0..254). */
    public static final int MAX_REFS = 255;

    private final Atom[] entries = new Atom[SIZE];
    private volatile long referencesWritten;
    /** Scratch for one header, reused: the text of each new entry, and the flag bytes. */
    private final byte[][] text = new byte[MAX_REFS][];
    private final byte[] flags = new byte[MAX_REFS / 2 + 1];

    /** An empty cache, as at the start of a connection. */
    public AtomCacheOut() {
    }

    /** The cache entry (0..2047) this node uses for {@code atom}; the same for every connection. */
    static int entryOf(Atom atom) {
        // the name's own cached hash: cheaper than the seeded term hash, and a collision here
        // only costs a cache miss
        int h = atom.name().hashCode() * 0x9E3779B1;
        return h >>> 21;
    }

    /**
     * Writes the header part that follows the tag bytes (and, for a first fragment, the
     * sequence and fragment ids): {@code NumberOfAtomCacheRefs}, the flags and the references
     * of {@code refs} (or a single 0 when {@code refs} is null or empty), and records the new
     * entries.
     */
    public void writeHeader(Refs refs, TermWriter out) {
        int n = refs == null ? 0 : refs.count;
        out.writeByte(n);
        if (n == 0) {
            return;
        }
        referencesWritten += n;
        byte[][] text = this.text;
        boolean longAtoms = false;
        for (int i = 0; i < n; i++) {
            Atom atom = refs.atoms[i];
            int entry = refs.entries[i];
            if (!atom.equals(entries[entry])) {
                entries[entry] = atom;
                text[i] = atom.name().getBytes(StandardCharsets.UTF_8);
                longAtoms |= text[i].length > 255;
            }
        }
        byte[] flags = this.flags;
        int flagBytes = n / 2 + 1;
        Arrays.fill(flags, 0, flagBytes, (byte) 0);
        for (int i = 0; i < n; i++) {
            int nibble = (text[i] != null ? 8 : 0) | (refs.entries[i] >>> 8);
            flags[i >>> 1] |= (byte) ((i & 1) == 0 ? nibble : nibble << 4);
        }
        if (longAtoms) {
            flags[n >>> 1] |= (byte) ((n & 1) == 0 ? 1 : 1 << 4);
        }
        out.writeBytes(flags, 0, flagBytes);
        for (int i = 0; i < n; i++) {
            out.writeByte(refs.entries[i] & 0xFF);
            byte[] t = text[i];
            if (t != null) {
                if (longAtoms) {
                    out.writeShort(t.length);
                } else {
                    out.writeByte(t.length);
                }
                out.writeBytes(t, 0, t.length);
                text[i] = null;
            }
        }
    }

    /** Atom-cache references written so far (by the output party only). */
    long referencesWritten() {
        return referencesWritten;
    }

    /**
     * The atoms one message refers to through its header, in reference-index order; the
     * encoder asks it for each atom it writes. An atom gets a reference unless 255 are taken
     * or another atom of the same message already holds its cache entry; then it is written
     * in full. One per message, on the encoding thread.
     */
    public static final class Refs implements ToIntFunction<Atom> {

        private static final int LINEAR = 16;

        Atom[] atoms = new Atom[8];
        int[] entries = new int[8];
        int count;
        /** Entry -> index + 1, once a message has more than {@link #LINEAR} references. */
        private short[] byEntry;

        /** No references yet. */
        public Refs() {
        }

        /** The number of references. */
        public int count() {
            return count;
        }

        /** The atom of reference {@code index}. */
        public Atom atom(int index) {
            return atoms[index];
        }

        @Override
        public int applyAsInt(Atom atom) {
            int entry = entryOf(atom);
            int found = find(entry);
            if (found >= 0) {
                return atoms[found].equals(atom) ? found : -1;
            }
            if (count == MAX_REFS) {
                return -1;
            }
            if (count == atoms.length) {
                atoms = Arrays.copyOf(atoms, Math.min(MAX_REFS, count * 2));
                entries = Arrays.copyOf(entries, atoms.length);
            }
            atoms[count] = atom;
            entries[count] = entry;
            if (byEntry != null) {
                byEntry[entry] = (short) (count + 1);
            } else if (count == LINEAR) {
                byEntry = new short[SIZE];
                for (int i = 0; i <= count; i++) {
                    byEntry[entries[i]] = (short) (i + 1);
                }
            }
            return count++;
        }

        private int find(int entry) {
            if (byEntry != null) {
                return byEntry[entry] - 1;
            }
            for (int i = 0; i < count; i++) {
                if (entries[i] == entry) {
                    return i;
                }
            }
            return -1;
        }
    }
}
