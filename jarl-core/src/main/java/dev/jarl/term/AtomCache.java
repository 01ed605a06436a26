/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A fixed-size, lossy cache of atoms with their encodings, shared by {@link Atom#of(String)},
 * the decoder and the encoder.
 *
 * <p>Two direct-mapped tables of the same entries: one by the name's {@code hashCode} (for
 * {@link Atom#of(String)} and the encoder), one by a hash of the UTF-8 bytes (for the
 * decoder, which so finds an atom without building a String or re-validating its UTF-8). A
 * newcomer overwrites whatever held its slot, except in the slots of the well-known
 * constants ({@link Atom#OK} and the like), which stay pinned so that
 * {@code Atom.of("ok") == Atom.OK} always holds. Memory is bounded by the table sizes
 * whatever arrives from the network. Each slot holds an immutable {@link Entry}; racing
 * writers can only cost a miss, never a wrong answer.
 */
final class AtomCache {

    private static final int SIZE = 4096;
    private static final Entry[] BY_NAME = new Entry[SIZE];
    private static final Entry[] BY_BYTES = new Entry[SIZE];
    private static final boolean[] PINNED_NAME = new boolean[SIZE];
    private static final boolean[] PINNED_BYTES = new boolean[SIZE];
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * An atom and its encoding as SMALL_ATOM_UTF8_EXT or ATOM_UTF8_EXT; {@code start} is
     * where the UTF-8 begins, {@code length} its size, {@code packed} its first 8 bytes.
     */
    record Entry(Atom atom, byte[] ext, int start, int length, long packed) {
    }

    static {
        for (Atom a : new Atom[] {Atom.OK, Atom.ERROR, Atom.TRUE, Atom.FALSE, Atom.UNDEFINED,
                Atom.EXIT, Atom.NORMAL, Atom.NOPROC, Atom.NOCONNECTION, Atom.GEN_CALL, Atom.GEN_CAST, Atom.NONODE}) {
            Entry e = entry(a);
            store(e);
            PINNED_NAME[nameSlot(e)] = true;
            PINNED_BYTES[bytesSlot(e)] = true;
        }
    }

    private AtomCache() {
    }

    private static int slot(int hash) {
        return (hash ^ (hash >>> 16)) & (SIZE - 1);
    }

    private static Entry entry(Atom atom) {
        byte[] utf8 = atom.name().getBytes(StandardCharsets.UTF_8);
        return entry(atom, utf8, 0, utf8.length);
    }

    private static Entry entry(Atom atom, byte[] utf8, int offset, int length) {
        int start = length <= 255 ? 2 : 3;
        byte[] ext = new byte[start + length];
        if (start == 2) {
            ext[0] = (byte) Tag.SMALL_ATOM_UTF8;
            ext[1] = (byte) length;
        } else {
            ext[0] = (byte) Tag.ATOM_UTF8;
            ext[1] = (byte) (length >>> 8);
            ext[2] = (byte) length;
        }
        System.arraycopy(utf8, offset, ext, start, length);
        return new Entry(atom, ext, start, length, packed(ext, start, length));
    }

    private static int nameSlot(Entry e) {
        return slot(e.atom().name().hashCode());
    }

    private static int bytesSlot(Entry e) {
        return slot(hash(e.ext(), e.start(), e.length(), e.packed()));
    }

    private static void store(Entry e) {
        int n = nameSlot(e);
        if (!PINNED_NAME[n]) {
            BY_NAME[n] = e;
        }
        int b = bytesSlot(e);
        if (!PINNED_BYTES[b]) {
            BY_BYTES[b] = e;
        }
    }

    static Atom intern(String name) {
        Entry cached = BY_NAME[slot(name.hashCode())];
        if (cached != null && cached.atom().name().equals(name)) {
            return cached.atom();
        }
        Atom atom = new Atom(name);
        store(entry(atom));
        return atom;
    }

    /**
     * The encoding of {@code atom} (tag, length, UTF-8), cached from now on; the caller must
     * not change it.
     */
    static byte[] encoding(Atom atom) {
        String name = atom.name();
        Entry cached = BY_NAME[slot(name.hashCode())];
        if (cached != null && (cached.atom() == atom || cached.atom().name().equals(name))) {
            return cached.ext();
        }
        Entry e = entry(atom);
        store(e);
        return e.ext();
    }

    /** The cached atom whose UTF-8 name is these bytes, or null. */
    static Atom lookup(byte[] data, int offset, int length) {
        long packed = packed(data, offset, length);
        Entry cached = BY_BYTES[slot(hash(data, offset, length, packed))];
        if (cached != null && cached.length() == length && cached.packed() == packed
                && (length <= 8 || same(cached.ext(), cached.start(), data, offset, length))) {
            return cached.atom();
        }
        return null;
    }

    /** The first 8 bytes (fewer if shorter, zero-filled) as a little-endian long. */
    private static long packed(byte[] d, int offset, int length) {
        if (length >= 8) {
            return (long) LONG.get(d, offset);
        }
        if (d.length - offset >= 8) {
            return (long) LONG.get(d, offset) & ((1L << (8 * length)) - 1);
        }
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            v = (v << 8) | (d[offset + i] & 0xFF);
        }
        return v;
    }

    /** Caches {@code atom}, whose name the caller has checked is the UTF-8 in these bytes. */
    static void remember(Atom atom, byte[] data, int offset, int length) {
        store(entry(atom, data, offset, length));
    }

    /** A hash of the bytes, eight at a time; {@code packed} is {@link #packed} of them. */
    private static int hash(byte[] d, int offset, int length, long packed) {
        long h = (length ^ packed) * 0x9E3779B97F4A7C15L;
        if (length > 8) {
            for (int i = 8; i < length; i += 8) {
                // the last read overlaps the one before it rather than running past the end
                h = (h ^ (long) LONG.get(d, offset + Math.min(i, length - 8))) * 0xC2B2AE3D27D4EB4FL;
            }
        }
        return (int) (h ^ (h >>> 32));
    }

    /** Equal bytes, for names longer than 8 bytes. */
    private static boolean same(byte[] a, int ao, byte[] b, int bo, int length) {
        for (int i = 0; i < length; i += 8) {
            int at = Math.min(i, length - 8);
            if ((long) LONG.get(a, ao + at) != (long) LONG.get(b, bo + at)) {
                return false;
            }
        }
        return true;
    }
}
