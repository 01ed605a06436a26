package dev.jarl.term;

/**
 * A fixed-size, lossy cache of atoms shared by {@link Atom#of(String)} and the decoder.
 *
 * <p>Direct-mapped: each name hashes to one slot, and a newcomer overwrites whatever was
 * there, except in the slots of the well-known constants ({@link Atom#OK} and the like),
 * which stay pinned so that {@code Atom.of("ok") == Atom.OK} always holds. Memory is bounded
 * by the table size whatever arrives from the network. Slots hold immutable {@link Atom}s, so
 * racing writers can only cost a miss, never a wrong answer.
 */
final class AtomCache {

    private static final int SIZE = 4096;
    private static final Atom[] SLOTS = new Atom[SIZE];
    private static final boolean[] PINNED = new boolean[SIZE];

    static {
        for (Atom a : new Atom[] {Atom.OK, Atom.ERROR, Atom.TRUE, Atom.FALSE, Atom.UNDEFINED,
                Atom.EXIT, Atom.NORMAL, Atom.NOPROC, Atom.NOCONNECTION, Atom.GEN_CALL, Atom.GEN_CAST, Atom.NONODE}) {
            int slot = slot(a.name().hashCode());
            if (!PINNED[slot]) {
                SLOTS[slot] = a;
                PINNED[slot] = true;
            }
        }
    }

    private AtomCache() {
    }

    private static int slot(int hash) {
        return (hash ^ (hash >>> 16)) & (SIZE - 1);
    }

    static Atom intern(String name) {
        int slot = slot(name.hashCode());
        Atom cached = SLOTS[slot];
        if (cached != null && cached.name().equals(name)) {
            return cached;
        }
        Atom atom = new Atom(name);
        if (!PINNED[slot]) {
            SLOTS[slot] = atom;
        }
        return atom;
    }

    /**
     * The atom whose name is the given ASCII bytes, without building a String when the cache
     * has it. The caller has checked that every byte is below 0x80.
     */
    static Atom internAscii(byte[] data, int offset, int length) {
        // String.hashCode of an ASCII string, computed from the bytes
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + data[offset + i];
        }
        int slot = slot(hash);
        Atom cached = SLOTS[slot];
        if (cached != null) {
            String name = cached.name();
            if (name.length() == length && sameAscii(name, data, offset, length)) {
                return cached;
            }
        }
        Atom atom = new Atom(new String(data, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1));
        if (!PINNED[slot]) {
            SLOTS[slot] = atom;
        }
        return atom;
    }

    private static boolean sameAscii(String name, byte[] data, int offset, int length) {
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != data[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
