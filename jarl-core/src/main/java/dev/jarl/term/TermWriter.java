/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * Encodes terms in the external term format into a growable, reusable byte array.
 *
 * <p>The encoding is the one OTP 25+ writes for distribution and for
 * {@code term_to_binary(T, [{minor_version, 2}])}, so a term decoded from OTP re-encodes to
 * the same bytes (maps keep their decoded order): atoms always as SMALL_ATOM_UTF8_EXT or
 * ATOM_UTF8_EXT; integers as SMALL_INTEGER_EXT, INTEGER_EXT, SMALL_BIG_EXT or LARGE_BIG_EXT,
 * the smallest that fits; floats as NEW_FLOAT_EXT; proper lists of 1 to 65535 integers in
 * 0..255 as STRING_EXT; SMALL/LARGE_TUPLE_EXT; MAP_EXT; BINARY_EXT and BIT_BINARY_EXT;
 * NEW_PID_EXT; NEW_PORT_EXT when the id fits in 28 bits (as OTP), else V4_PORT_EXT;
 * NEWER_REFERENCE_EXT; NEW_FUN_EXT; EXPORT_EXT.
 *
 * <p>Pids, ports and references are written exactly as they are, creation included: a value
 * decoded with creation 0 (OTP accepts those; JInterface makes them before EPMD has assigned
 * a creation) passes through unchanged, as OTP passes it on. A Jarl node never mints one.
 *
 * <p>No recursion: a term nested arbitrarily deep encodes without growing the Java stack.
 * Not thread-safe; reuse one writer per thread with {@link #reset()}.
 *
 * <pre>{@code
 * TermWriter w = new TermWriter();
 * w.writeVersion();
 * w.write(Term.tuple(Atom.OK, 42));
 * socket.write(w.buffer(), 0, w.size());
 * w.reset();
 * }</pre>
 */
public final class TermWriter {

    private byte[] buf;
    private int pos;
    private Object[] stack = new Object[16];
    private ToIntFunction<Atom> atomRefs;
    private static final int[] NO_POSITIONS = new int[0];
    private static final ByteBuffer[] NO_REFERENCES = new ByteBuffer[0];
    private int referenceMin = Integer.MAX_VALUE;
    private int[] referenceAt = NO_POSITIONS;
    private ByteBuffer[] references = NO_REFERENCES;
    private int referenceCount;
    private long referencedBytes;

    /** A writer with a 256-byte initial buffer. */
    public TermWriter() {
        this(256);
    }

    /** A writer with the given initial buffer size. */
    public TermWriter(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initial capacity: " + initialCapacity + " (expected: at least 0)");
        }
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** The number of bytes written since the last {@link #reset()}. */
    public int size() {
        return pos;
    }

    /**
     * The internal array; bytes {@code 0..size()-1} are valid. Changes on the next write.
     * Binaries written by reference ({@link #referenceBinaries(int)}) are not in it.
     */
    public byte[] buffer() {
        return buf;
    }

    /** A copy of the bytes written, binaries written by reference included. */
    public byte[] toByteArray() {
        if (referenceCount == 0) {
            return Arrays.copyOf(buf, pos);
        }
        long total = pos + referencedBytes;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("encoded term: " + total + " bytes (expected: at most "
                    + (Integer.MAX_VALUE - 8) + " in one array)");
        }
        byte[] out = new byte[(int) total];
        int from = 0;
        int at = 0;
        for (int i = 0; i < referenceCount; i++) {
            int n = referenceAt[i] - from;
            System.arraycopy(buf, from, out, at, n);
            at += n;
            from = referenceAt[i];
            ByteBuffer r = references[i].duplicate();
            int len = r.remaining();
            r.get(out, at, len);
            at += len;
        }
        System.arraycopy(buf, from, out, at, pos - from);
        return out;
    }

    /**
     * From now on, binaries of at least {@code minSize} bytes are written by reference: their
     * tag and length go into the buffer, their bytes stay where they are and are recorded as
     * a {@link #reference(int)} that follows buffer position {@link #referenceAt(int)}. For
     * output that leaves with a gathering write, so a large binary is never copied to be
     * encoded. {@code Integer.MAX_VALUE} (the default) copies every binary. Kept across
     * {@link #reset()}.
     */
    public void referenceBinaries(int minSize) {
        if (minSize < 1) {
            throw new IllegalArgumentException("minSize: " + minSize + " (expected: at least 1)");
        }
        this.referenceMin = minSize;
    }

    /** The number of binaries written by reference since the last {@link #reset()}. */
    public int references() {
        return referenceCount;
    }

    /** The position in {@link #buffer()} that reference {@code i}'s bytes follow; ascending in {@code i}. */
    public int referenceAt(int i) {
        java.util.Objects.checkIndex(i, referenceCount);
        return referenceAt[i];
    }

    /** The bytes of reference {@code i}, a read-only view of the binary. */
    public ByteBuffer reference(int i) {
        java.util.Objects.checkIndex(i, referenceCount);
        return references[i].duplicate();
    }

    /** The bytes of all references together. */
    public long referencedBytes() {
        return referencedBytes;
    }

    /**
     * Writes atoms as ATOM_CACHE_REF where {@code refs} says so: for each atom it returns the
     * index into the distribution header's reference list (0 to 254), or a negative number to
     * write the atom in full. Null (the default) writes every atom in full. Used only for
     * terms that follow a distribution header with atom-cache references.
     */
    public void atomRefs(ToIntFunction<Atom> refs) {
        this.atomRefs = refs;
    }

    /** Forgets what was written, keeping the buffer. */
    public void reset() {
        pos = 0;
        Arrays.fill(references, 0, referenceCount, null);
        referenceCount = 0;
        referencedBytes = 0;
    }

    private void ensure(int n) {
        if (buf.length - pos < n) {
            grow(n);
        }
    }

    private void grow(int n) {
        long needed = (long) pos + n;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("encoded term: over " + (Integer.MAX_VALUE - 8) + " bytes");
        }
        long next = Math.max(needed, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 8));
        buf = Arrays.copyOf(buf, (int) next);
    }

    /** Writes the version byte, 131. */
    public void writeVersion() {
        writeByte(Tag.VERSION);
    }

    /** Writes the low 8 bits of {@code b}. */
    public void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    /** Writes the low 16 bits of {@code v}, big-endian. */
    public void writeShort(int v) {
        ensure(2);
        putShort(v);
    }

    /** Writes {@code v}, big-endian. */
    public void writeInt(int v) {
        ensure(4);
        putInt(v);
    }

    /** Writes {@code v}, big-endian. */
    public void writeLong(long v) {
        ensure(8);
        putLong(v);
    }

    /** Leaves {@code n} bytes (whatever the buffer holds there) for the caller to fill later. */
    public void skip(int n) {
        ensure(n);
        pos += n;
    }

    /** Writes {@code length} bytes of {@code bytes} from {@code offset}. */
    public void writeBytes(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    private void putShort(int v) {
        buf[pos] = (byte) (v >>> 8);
        buf[pos + 1] = (byte) v;
        pos += 2;
    }

    private void putInt(int v) {
        byte[] b = buf;
        int p = pos;
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        pos = p + 4;
    }

    private static void put(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    /** Where the size field of a NEW_FUN_EXT waits for the end of the fun. */
    private record FunEnd(int start) {
    }

    /** Writes {@code term} (without the version byte). */
    public void write(Term term) {
        if (writeIfLeaf(term)) {
            return;
        }
        // containers: an explicit stack of what is still to write, in reverse order
        int sp = 0;
        int high = 0;
        Object item = term;
        while (true) {
            // instanceof chains rather than pattern switches: measurably faster on this hot path
            if (item instanceof Tuple t) {
                Term[] el = t.array();
                ensure(5);
                if (el.length <= 255) {
                    buf[pos++] = (byte) Tag.SMALL_TUPLE;
                    buf[pos++] = (byte) el.length;
                } else {
                    buf[pos++] = (byte) Tag.LARGE_TUPLE;
                    putInt(el.length);
                }
                sp = pushChildren(el, null, sp);
            } else if (item instanceof TermList l) {
                Term[] el = l.array();
                if (el.length == 0) {
                    writeByte(Tag.NIL);
                } else if (!(l.isProper() && el.length <= 65535 && writeString(el))) {
                    ensure(5);
                    buf[pos++] = (byte) Tag.LIST;
                    putInt(el.length);
                    sp = pushChildren(el, l.tail(), sp);
                }
            } else if (item instanceof TermMap m) {
                ensure(5);
                buf[pos++] = (byte) Tag.MAP;
                putInt(m.size());
                sp = pushEntries(m.keyArray(), m.valueArray(), sp);
            } else if (item instanceof Fun f) {
                sp = writeFunHead(f, sp);
            } else if (item instanceof FunEnd end) {
                int save = pos;
                pos = end.start() + 1;
                putInt(save - end.start() - 1);
                pos = save;
            } else if (!writeIfLeaf((Term) item)) {
                throw new IllegalStateException("unexpected " + item.getClass());
            }
            if (sp == 0) {
                Arrays.fill(stack, 0, high, null); // hold no terms after the call
                return;
            }
            high = Math.max(high, sp);
            item = stack[--sp];
        }
    }

    /** The fixed part of a NEW_FUN_EXT; its free variables and the size patch go on the stack. */
    private int writeFunHead(Fun f, int sp) {
        int start = pos;
        ensure(1 + 4 + 1 + 16 + 4 + 4);
        buf[pos++] = (byte) Tag.NEW_FUN;
        pos += 4; // size, patched by FunEnd
        buf[pos++] = (byte) f.arity();
        System.arraycopy(f.uniqArray(), 0, buf, pos, 16);
        pos += 16;
        putInt(f.index());
        Term[] free = f.freeVarArray();
        putInt(free.length);
        writeAtom(f.module());
        writeInteger(f.oldIndex(), null);
        writeInteger(f.oldUniq(), null);
        writeIfLeaf(f.pid());
        int top = push(new FunEnd(start), sp);
        return pushChildren(free, null, top);
    }

    /**
     * Writes the leading leaves of {@code el} at once, then pushes the rest (and the tail, if
     * any) so they pop in order. Returns the new stack pointer.
     */
    private int pushChildren(Term[] el, Term tail, int sp) {
        int i = 0;
        int n = el.length;
        while (i < n && writeIfLeaf(el[i])) {
            i++;
        }
        if (i == n) {
            return tail == null || writeIfLeaf(tail) ? sp : push(tail, sp);
        }
        int top = sp;
        int needed = top + (n - i) + 1;
        if (needed > stack.length) {
            stack = Arrays.copyOf(stack, Math.max(needed, stack.length * 2));
        }
        Object[] st = stack;
        if (tail != null) {
            st[top++] = tail;
        }
        for (int j = n - 1; j >= i; j--) {
            st[top++] = el[j];
        }
        return top;
    }

    /** As {@link #pushChildren}, for a map's keys and values in turn. */
    private int pushEntries(Term[] keys, Term[] values, int sp) {
        int n = keys.length;
        int i = 0;
        boolean keyWritten = false;
        for (; i < n; i++) {
            if (!writeIfLeaf(keys[i])) {
                break;
            }
            if (!writeIfLeaf(values[i])) {
                keyWritten = true;
                break;
            }
        }
        if (i == n) {
            return sp;
        }
        int top = sp;
        int needed = top + 2 * (n - i);
        if (needed > stack.length) {
            stack = Arrays.copyOf(stack, Math.max(needed, stack.length * 2));
        }
        Object[] st = stack;
        for (int j = n - 1; j > i; j--) {
            st[top++] = values[j];
            st[top++] = keys[j];
        }
        st[top++] = values[i];
        if (!keyWritten) {
            st[top++] = keys[i];
        }
        return top;
    }

    private int push(Object o, int sp) {
        if (sp == stack.length) {
            stack = Arrays.copyOf(stack, stack.length * 2);
        }
        stack[sp] = o;
        return sp + 1;
    }

    /** STRING_EXT if every element is an integer 0..255; false (nothing written) otherwise. */
    private boolean writeString(Term[] el) {
        for (Term t : el) {
            if (!(t instanceof Int i) || !i.isLong() || (i.longValue() & ~0xFFL) != 0) {
                return false;
            }
        }
        ensure(3 + el.length);
        byte[] b = buf;
        int p = pos;
        b[p++] = (byte) Tag.STRING;
        b[p++] = (byte) (el.length >>> 8);
        b[p++] = (byte) el.length;
        for (Term t : el) {
            b[p++] = (byte) ((Int) t).longValue();
        }
        pos = p;
        return true;
    }

    /**
     * Writes {@code t} if it holds no other terms ([] counts as a leaf) and says so; returns
     * false, writing nothing, for tuples, non-empty lists, maps and funs. Small, so the JIT
     * inlines it into the loops over elements; rarer leaves are out of line.
     */
    private boolean writeIfLeaf(Term t) {
        if (t instanceof Int i) {
            BigInteger big = i.bigOrNull();
            if (big == null) {
                writeLongTerm(i.smallValue());
            } else {
                writeBig(big);
            }
            return true;
        }
        if (t instanceof Atom a) {
            writeAtom(a);
            return true;
        }
        if (t instanceof Tuple || t instanceof TermMap) {
            return false;
        }
        if (t instanceof TermList l) {
            if (!l.isEmpty()) {
                return false;
            }
            writeByte(Tag.NIL);
            return true;
        }
        return writeOtherLeaf(t);
    }

    private void reference(Binary b) {
        if (referenceCount == referenceAt.length) {
            int next = Math.max(4, 2 * referenceCount);
            referenceAt = Arrays.copyOf(referenceAt, next);
            references = Arrays.copyOf(references, next);
        }
        referenceAt[referenceCount] = pos;
        references[referenceCount++] = b.asByteBuffer();
        referencedBytes += b.size();
    }

    /** The leaves other than integers, atoms and []: false for containers. */
    private boolean writeOtherLeaf(Term t) {
        if (t instanceof Binary b) {
            int n = b.size();
            if (n >= referenceMin) {
                ensure(5);
                buf[pos++] = (byte) Tag.BINARY;
                putInt(n);
                reference(b);
                return true;
            }
            ensure(5 + n);
            buf[pos++] = (byte) Tag.BINARY;
            putInt(n);
            b.copyTo(buf, pos);
            pos += n;
        } else if (t instanceof Pid p) {
            writeByte(Tag.NEW_PID);
            writeAtom(p.node());
            ensure(12);
            byte[] b = buf;
            int at = pos;
            put(b, at, p.id());
            put(b, at + 4, p.serial());
            put(b, at + 8, p.creation());
            pos = at + 12;
        } else if (t instanceof Ref r) {
            int[] ids = r.idArray();
            ensure(3);
            buf[pos++] = (byte) Tag.NEWER_REFERENCE;
            putShort(ids.length);
            writeAtom(r.node());
            ensure(4 + 4 * ids.length);
            byte[] b = buf;
            int at = pos;
            put(b, at, r.creation());
            for (int id : ids) {
                at += 4;
                put(b, at, id);
            }
            pos = at + 4;
        } else if (t instanceof Float64 f) {
            ensure(9);
            buf[pos++] = (byte) Tag.NEW_FLOAT;
            putLong(Double.doubleToRawLongBits(f.value()));
        } else if (t instanceof Port p) {
            boolean small = (p.id() >>> 28) == 0; // as OTP: NEW_PORT_EXT up to 2^28 - 1
            writeByte(small ? Tag.NEW_PORT : Tag.V4_PORT);
            writeAtom(p.node());
            ensure(12);
            if (small) {
                putInt((int) p.id());
            } else {
                putLong(p.id());
            }
            putInt(p.creation());
        } else if (t instanceof ExportFun e) {
            writeByte(Tag.EXPORT);
            writeAtom(e.module());
            writeAtom(e.function());
            ensure(2);
            buf[pos++] = (byte) Tag.SMALL_INTEGER;
            buf[pos++] = (byte) e.arity();
        } else if (t instanceof BitString s) {
            byte[] data = s.array();
            ensure(6 + data.length);
            buf[pos++] = (byte) Tag.BIT_BINARY;
            putInt(data.length);
            buf[pos++] = (byte) s.lastByteBits();
            System.arraycopy(data, 0, buf, pos, data.length);
            pos += data.length;
        } else {
            return false; // Tuple, TermMap, Fun
        }
        return true;
    }

    private void writeAtom(Atom a) {
        if (atomRefs != null) {
            int ref = atomRefs.applyAsInt(a);
            if (ref >= 0) {
                ensure(2);
                buf[pos] = (byte) Tag.ATOM_CACHE_REF;
                buf[pos + 1] = (byte) ref;
                pos += 2;
                return;
            }
        }
        byte[] ext = AtomCache.encoding(a);
        int n = ext.length;
        ensure(n);
        System.arraycopy(ext, 0, buf, pos, n);
        pos += n;
    }

    /** An integer: {@code big} when not null, else {@code small}. */
    private void writeInteger(long small, BigInteger big) {
        if (big == null) {
            writeLongTerm(small);
        } else {
            writeBig(big);
        }
    }

    /** SMALL_INTEGER_EXT or INTEGER_EXT inline; the rare 64-bit values out of line. */
    private void writeLongTerm(long v) {
        if ((v & ~0xFFL) == 0) {
            ensure(2);
            byte[] b = buf;
            int p = pos;
            b[p] = (byte) Tag.SMALL_INTEGER;
            b[p + 1] = (byte) v;
            pos = p + 2;
        } else if (v == (int) v) {
            ensure(5);
            buf[pos++] = (byte) Tag.INTEGER;
            putInt((int) v);
        } else {
            writeLongAsBig(v);
        }
    }

    private void writeLongAsBig(long v) {
        long magnitude = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63 read unsigned
        int n = (64 - Long.numberOfLeadingZeros(magnitude) + 7) / 8;
        ensure(3 + n);
        buf[pos++] = (byte) Tag.SMALL_BIG;
        buf[pos++] = (byte) n;
        buf[pos++] = (byte) (v < 0 ? 1 : 0);
        for (int i = 0; i < n; i++) {
            buf[pos++] = (byte) (magnitude >>> (8 * i));
        }
    }

    private void writeBig(BigInteger big) {
        byte[] be = big.abs().toByteArray(); // big-endian, maybe a leading zero
        int skip = be[0] == 0 ? 1 : 0;
        int n = be.length - skip;
        ensure(6 + n);
        if (n <= 255) {
            buf[pos++] = (byte) Tag.SMALL_BIG;
            buf[pos++] = (byte) n;
        } else {
            buf[pos++] = (byte) Tag.LARGE_BIG;
            putInt(n);
        }
        buf[pos++] = (byte) (big.signum() < 0 ? 1 : 0);
        for (int i = be.length - 1; i >= skip; i--) {
            buf[pos++] = be[i];
        }
    }
}
