package dev.jarl.term;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    /** The internal array; bytes {@code 0..size()-1} are valid. Changes on the next write. */
    public byte[] buffer() {
        return buf;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** Forgets what was written, keeping the buffer. */
    public void reset() {
        pos = 0;
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

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    /** Where the size field of a NEW_FUN_EXT waits for the end of the fun. */
    private record FunEnd(int start) {
    }

    /** Writes {@code term} (without the version byte). */
    public void write(Term term) {
        int sp = 0;
        Object[] st = stack;
        Object item = term;
        while (true) {
            switch (item) {
                case Tuple t -> {
                    Term[] el = t.array();
                    ensure(5);
                    if (el.length <= 255) {
                        buf[pos++] = (byte) Tag.SMALL_TUPLE;
                        buf[pos++] = (byte) el.length;
                    } else {
                        buf[pos++] = (byte) Tag.LARGE_TUPLE;
                        putInt(el.length);
                    }
                    sp = pushChildren(el, 0, el.length, null, sp);
                    st = stack;
                }
                case TermList l -> {
                    Term[] el = l.array();
                    if (el.length == 0) {
                        writeByte(Tag.NIL);
                    } else if (!(l.isProper() && el.length <= 65535 && writeString(el))) {
                        ensure(5);
                        buf[pos++] = (byte) Tag.LIST;
                        putInt(el.length);
                        sp = pushChildren(el, 0, el.length, l.tail(), sp);
                        st = stack;
                    }
                }
                case TermMap m -> {
                    Term[] keys = m.keyArray();
                    Term[] values = m.valueArray();
                    ensure(5);
                    buf[pos++] = (byte) Tag.MAP;
                    putInt(keys.length);
                    sp = pushEntries(keys, values, sp);
                    st = stack;
                }
                case Fun f -> {
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
                    writeLeaf(f.pid());
                    if (sp == st.length) {
                        st = stack = Arrays.copyOf(st, st.length * 2);
                    }
                    st[sp++] = new FunEnd(start);
                    sp = pushChildren(free, 0, free.length, null, sp);
                    st = stack;
                }
                case FunEnd end -> {
                    int save = pos;
                    pos = end.start() + 1;
                    putInt(save - end.start() - 1);
                    pos = save;
                }
                case Term leaf -> writeLeaf(leaf);
                default -> throw new IllegalStateException("unexpected " + item);
            }
            if (sp == 0) {
                return;
            }
            item = st[--sp];
            st[sp] = null;
        }
    }

    private static boolean isLeaf(Term t) {
        return !(t instanceof Tuple || t instanceof TermMap || t instanceof Fun
                || (t instanceof TermList l && l.size() > 0));
    }

    /**
     * Writes the leading leaves of {@code el[from..to)} at once, then pushes the rest (and the
     * tail, if any) so they pop in order. Returns the new stack pointer.
     */
    private int pushChildren(Term[] el, int from, int to, Term tail, int sp) {
        int i = from;
        while (i < to && isLeaf(el[i])) {
            writeLeaf(el[i]);
            i++;
        }
        if (i == to) {
            if (tail != null) {
                if (isLeaf(tail)) {
                    writeLeaf(tail);
                } else {
                    sp = push(tail, sp);
                }
            }
            return sp;
        }
        int needed = sp + (to - i) + 1;
        if (needed > stack.length) {
            stack = Arrays.copyOf(stack, Math.max(needed, stack.length * 2));
        }
        Object[] st = stack;
        if (tail != null) {
            st[sp++] = tail;
        }
        for (int j = to - 1; j >= i; j--) {
            st[sp++] = el[j];
        }
        return sp;
    }

    private int pushEntries(Term[] keys, Term[] values, int sp) {
        int i = 0;
        while (i < keys.length && isLeaf(keys[i]) && isLeaf(values[i])) {
            writeLeaf(keys[i]);
            writeLeaf(values[i]);
            i++;
        }
        int needed = sp + 2 * (keys.length - i);
        if (needed > stack.length) {
            stack = Arrays.copyOf(stack, Math.max(needed, stack.length * 2));
        }
        Object[] st = stack;
        for (int j = keys.length - 1; j >= i; j--) {
            st[sp++] = values[j];
            st[sp++] = keys[j];
        }
        return sp;
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

    private void writeLeaf(Term t) {
        switch (t) {
            case Atom a -> writeAtom(a);
            case Int i -> writeInteger(i.isLong() ? i.longValue() : 0, i.bigOrNull());
            case Float64 f -> {
                ensure(9);
                buf[pos++] = (byte) Tag.NEW_FLOAT;
                putLong(Double.doubleToRawLongBits(f.value()));
            }
            case Binary b -> {
                int n = b.size();
                ensure(5 + n);
                buf[pos++] = (byte) Tag.BINARY;
                putInt(n);
                b.copyTo(buf, pos);
                pos += n;
            }
            case BitString s -> {
                byte[] data = s.array();
                ensure(6 + data.length);
                buf[pos++] = (byte) Tag.BIT_BINARY;
                putInt(data.length);
                buf[pos++] = (byte) s.lastByteBits();
                System.arraycopy(data, 0, buf, pos, data.length);
                pos += data.length;
            }
            case TermList l -> writeByte(Tag.NIL); // only [] is a leaf
            case Pid p -> {
                writeByte(Tag.NEW_PID);
                writeAtom(p.node());
                ensure(12);
                putInt(p.id());
                putInt(p.serial());
                putInt(p.creation());
            }
            case Port p -> {
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
            }
            case Ref r -> {
                int[] ids = r.idArray();
                ensure(3);
                buf[pos++] = (byte) Tag.NEWER_REFERENCE;
                putShort(ids.length);
                writeAtom(r.node());
                ensure(4 + 4 * ids.length);
                putInt(r.creation());
                for (int id : ids) {
                    putInt(id);
                }
            }
            case ExportFun e -> {
                writeByte(Tag.EXPORT);
                writeAtom(e.module());
                writeAtom(e.function());
                ensure(2);
                buf[pos++] = (byte) Tag.SMALL_INTEGER;
                buf[pos++] = (byte) e.arity();
            }
            case Tuple x -> throw notLeaf(x);
            case TermMap x -> throw notLeaf(x);
            case Fun x -> throw notLeaf(x);
        }
    }

    private static IllegalStateException notLeaf(Term t) {
        return new IllegalStateException("not a leaf: " + t.getClass().getSimpleName());
    }

    private void writeAtom(Atom a) {
        String name = a.name();
        int n = name.length();
        ensure(3 + n);
        byte[] b = buf;
        int p = pos;
        if (n <= 255) {
            int start = p + 2;
            int i = 0;
            for (; i < n; i++) {
                char c = name.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                b[start + i] = (byte) c;
            }
            if (i == n) {
                b[p] = (byte) Tag.SMALL_ATOM_UTF8;
                b[p + 1] = (byte) n;
                pos = start + n;
                return;
            }
        }
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        ensure(3 + utf8.length);
        if (utf8.length <= 255) {
            buf[pos++] = (byte) Tag.SMALL_ATOM_UTF8;
            buf[pos++] = (byte) utf8.length;
        } else {
            buf[pos++] = (byte) Tag.ATOM_UTF8;
            putShort(utf8.length);
        }
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
    }

    /** An integer: {@code big} when not null, else {@code small}. */
    private void writeInteger(long small, BigInteger big) {
        if (big == null) {
            if ((small & ~0xFFL) == 0) {
                ensure(2);
                buf[pos++] = (byte) Tag.SMALL_INTEGER;
                buf[pos++] = (byte) small;
                return;
            }
            if (small == (int) small) {
                ensure(5);
                buf[pos++] = (byte) Tag.INTEGER;
                putInt((int) small);
                return;
            }
            long magnitude = small < 0 ? -small : small; // Long.MIN_VALUE stays 2^63 read unsigned
            int n = (64 - Long.numberOfLeadingZeros(magnitude) + 7) / 8;
            ensure(3 + n);
            buf[pos++] = (byte) Tag.SMALL_BIG;
            buf[pos++] = (byte) n;
            buf[pos++] = (byte) (small < 0 ? 1 : 0);
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) (magnitude >>> (8 * i));
            }
            return;
        }
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
