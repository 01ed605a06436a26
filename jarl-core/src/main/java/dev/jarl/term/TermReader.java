/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Decodes the external term format from a slice of a byte array.
 *
 * <p>Reads every tag OTP 25+ writes, and the legacy ones it still reads: atoms in the UTF-8
 * and the Latin-1 forms, FLOAT_EXT, PID_EXT, PORT_EXT, REFERENCE_EXT, NEW_REFERENCE_EXT,
 * compressed terms (tag 80, at the top level only) and ATOM_CACHE_REF (tag 82, with the
 * table given to {@link #setAtomCache}). FUN_EXT (removed in OTP 23) and LOCAL_EXT (valid
 * only inside the node that made it) are refused.
 *
 * <p><b>Hostile input.</b> Every malformed input ends in a {@link TermDecodeException} and
 * nothing else: every length is checked against the bytes that remain (counting one byte at
 * least for each element still owed to an open container) and against {@link DecodeLimits}
 * before anything is allocated, and containers are tracked on an explicit stack (as deep as
 * the input, unless {@link DecodeLimits#maxDepth()} is set lower), so no input can overflow
 * the Java stack. Every shape decodes in time linear in its size: nested list tails are
 * appended in place, and maps whose keys collide are indexed by a sort instead of a hash. A reader that
 * threw is left in an unspecified position: don't read on.
 *
 * <p><b>Shared bytes.</b> By default a {@link Binary} decoded here is a window on the input
 * array, not a copy: decoding a 1 MB binary costs nothing, but the caller must not change
 * the input afterwards. Call {@link #copyBinaries(boolean) copyBinaries(true)} to get
 * private copies instead. ({@link Etf#decode(byte[])} copies.)
 *
 * <p>{@link #position()} and the offsets in exceptions count bytes from the start of the
 * slice. Not thread-safe.
 */
public final class TermReader {

    private static final int TUPLE = 1;
    private static final int LIST = 2;
    private static final int MAP = 3;
    private static final int FUN = 4;
    private static final Term[] NO_TERMS = new Term[0];

    private final byte[] data;
    private final int start;
    private final int end;
    private final DecodeLimits limits;
    private int pos;
    /** The distribution header's atom cache references, or null outside a distribution message. */
    private Atom[] atomCache;
    /** For tests: sees every tag byte read, or null. */
    private IntConsumer tagListener;
    private boolean copyBinaries;
    /** True inside a compressed term: compression does not nest. */
    private boolean inflated;
    /** For tests: counts work (elements copied, map probes and key comparisons) in {@code work[0]}. */
    private long[] work;

    // The explicit stack of open containers, made on the first container: per level, 4 ints
    // in meta (KIND, COUNT, FILL, OPENED) and 2 references in refs (the element array, and
    // the tail, the map's values or the fun's header).
    private static final int KIND = 0;
    private static final int COUNT = 1;
    private static final int FILL = 2;
    private static final int OPENED = 3;
    private int[] meta;
    private Object[] refs;
    /** Open levels. */
    private int sp;
    /** Elements promised by open containers and not yet begun, one byte each at least. */
    private int owed;

    /** A reader of {@code length} bytes of {@code data} from {@code offset}, with {@link DecodeLimits#DEFAULT}. */
    public TermReader(byte[] data, int offset, int length) {
        this(data, offset, length, DecodeLimits.DEFAULT);
    }

    /** A reader of {@code length} bytes of {@code data} from {@code offset}, with the given limits. */
    public TermReader(byte[] data, int offset, int length, DecodeLimits limits) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.data = data;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Bytes read so far, counted from the start of the slice. */
    public int position() {
        return pos - start;
    }

    /** Bytes left to read. */
    public int remaining() {
        return end - pos;
    }

    /**
     * Sets the table ATOM_CACHE_REF (tag 82) indexes into, as the distribution header
     * defines it for one message; null (the default) refuses the tag.
     */
    public void setAtomCache(Atom[] refs) {
        this.atomCache = refs;
    }

    /** For tests: counts the work of decoding (elements copied, map probes, key comparisons) into {@code counter[0]}. */
    void countWork(long[] counter) {
        this.work = counter;
    }

    /** True to copy every decoded binary out of the input; false (the default) to share the input array. */
    public void copyBinaries(boolean copy) {
        this.copyBinaries = copy;
    }

    /** Reads the version byte and checks it is 131. */
    public void readVersion() {
        need(1, "version");
        int v = data[pos] & 0xFF;
        if (v != Tag.VERSION) {
            throw error("version", Integer.toString(v), "131", pos);
        }
        pos++;
    }

    /**
     * Reads one unsigned byte of a surrounding structure (the distribution header), named
     * {@code what} in the error if the input ends.
     */
    public int readUnsignedByte(String what) {
        return u8(what);
    }

    /** Reads a big-endian unsigned 16-bit field of a surrounding structure. */
    public int readUnsignedShort(String what) {
        return u16(what);
    }

    /** Reads a big-endian 64-bit field of a surrounding structure. */
    public long readLong(String what) {
        return s64(what);
    }

    /**
     * Reads {@code length} bytes of UTF-8 atom text that has no tag of its own (a new entry in
     * a distribution header's atom cache), checked as an atom tag's text is.
     */
    public Atom readAtomText(int length) {
        return utf8Atom(length, pos);
    }

    /** Reads an atom (any atom tag, or a cache reference). */
    public Atom readAtom() {
        int tagAt = pos;
        return atomBody(tag("atom tag"), tagAt);
    }

    // ---------------------------------------------------------------- errors and primitives

    private TermDecodeException error(String what, String actual, String expected, int at) {
        return new TermDecodeException(what, actual, expected, at - start);
    }

    private void need(long n, String what) {
        if (end - pos < n) {
            throw error(what, (end - pos) + " bytes left",
                    n + " bytes", pos);
        }
    }

    private int u8(String what) {
        need(1, what);
        return data[pos++] & 0xFF;
    }

    private int u16(String what) {
        need(2, what);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    private int s32(String what) {
        need(4, what);
        int p = pos;
        int v = ((data[p] & 0xFF) << 24) | ((data[p + 1] & 0xFF) << 16) | ((data[p + 2] & 0xFF) << 8) | (data[p + 3] & 0xFF);
        pos = p + 4;
        return v;
    }

    /** Reads a tag byte, telling the test hook. */
    private int tag(String what) {
        int t = u8(what);
        if (tagListener != null) {
            tagListener.accept(t);
        }
        return t;
    }

    /** For tests: sees every tag byte read. */
    void tagListener(IntConsumer listener) {
        this.tagListener = listener;
    }

    private long u32(String what) {
        return s32(what) & 0xFFFF_FFFFL;
    }

    private long s64(String what) {
        need(8, what);
        long hi = s32(what) & 0xFFFF_FFFFL;
        long lo = s32(what) & 0xFFFF_FFFFL;
        return (hi << 32) | lo;
    }

    // ---------------------------------------------------------------- the decoder

    /**
     * Reads one term (without a version byte; call {@link #readVersion()} first where there
     * is one).
     *
     * @throws TermDecodeException if the bytes are not a well-formed term within the limits
     */
    public Term read() {
        sp = 0;
        owed = 0;
        outer:
        for (;;) {
            if (sp > 0) {
                owed--;
            }
            int tagAt = pos;
            int tag = tag("tag");
            Term value = leaf(tag, tagAt);
            if (value == null) {
                value = container(tag, tagAt);
                if (value == null) {
                    continue; // a container was opened, or [|T] reads T in its place
                }
            }
            // hand the value to the open containers, closing each one it completes
            while (sp > 0) {
                int top = sp - 1;
                int m = 4 * top;
                int r = 2 * top;
                int[] mt = meta;
                int f = mt[m + FILL];
                int k = mt[m + KIND];
                if (k == LIST) {
                    Term[] el = (Term[]) refs[r];
                    if (f < mt[m + COUNT] - 1) {
                        el[f] = value;
                    } else {
                        refs[r + 1] = value;
                    }
                } else if (k == MAP) {
                    ((Term[]) refs[r + (f & 1)])[f >>> 1] = value;
                } else {
                    ((Term[]) refs[r])[f] = value;
                }
                if (++f < mt[m + COUNT]) {
                    // carry on with the leaves that follow, without a round through the loop
                    f = fill(k, (Term[]) refs[r], refs[r + 1], f, mt[m + COUNT]);
                    if (f < mt[m + COUNT]) {
                        mt[m + FILL] = f;
                        continue outer;
                    }
                }
                value = close(top);
                refs[r] = null;
                refs[r + 1] = null;
                sp = top;
            }
            return value;
        }
    }

    /** The leaf a tag starts, read; null for the container tags; an error for tags no term has. */
    private Term leaf(int tag, int tagAt) {
        return switch (tag) {
            case Tag.SMALL_INTEGER -> Int.of(u8("small integer"));
            case Tag.INTEGER -> Int.of(s32("integer"));
            case Tag.NEW_FLOAT -> checkedFloat(Double.longBitsToDouble(s64("float")), tagAt);
            case Tag.FLOAT -> oldFloat(tagAt);
            case Tag.ATOM_UTF8, Tag.SMALL_ATOM_UTF8, Tag.ATOM, Tag.SMALL_ATOM, Tag.ATOM_CACHE_REF -> atomBody(tag, tagAt);
            case Tag.SMALL_BIG -> big(u8("big integer length"), tagAt);
            case Tag.LARGE_BIG -> big(u32("big integer length"), tagAt);
            case Tag.BINARY -> binary(tagAt);
            case Tag.BIT_BINARY -> bitBinary(tagAt);
            case Tag.NIL -> TermList.NIL;
            case Tag.STRING -> string(tagAt);
            case Tag.NEW_PID, Tag.PID -> pid(tag);
            case Tag.NEW_PORT, Tag.PORT, Tag.V4_PORT -> port(tag);
            case Tag.NEWER_REFERENCE, Tag.NEW_REFERENCE, Tag.REFERENCE -> ref(tag, tagAt);
            case Tag.EXPORT -> export(tagAt);
            case Tag.SMALL_TUPLE, Tag.LARGE_TUPLE, Tag.LIST, Tag.MAP, Tag.NEW_FUN, Tag.COMPRESSED -> null;
            case Tag.FUN -> throw error("tag", "117 (FUN_EXT)", "NEW_FUN_EXT; FUN_EXT was removed in OTP 23", tagAt);
            case Tag.LOCAL -> throw error("tag", "121 (LOCAL_EXT)",
                    "a term valid across nodes; LOCAL_EXT is only valid inside the node that wrote it", tagAt);
            default -> throw error("tag", Integer.toString(tag), "an external term format tag", tagAt);
        };
    }

    /** The next term if it is a leaf (consumed, and no longer owed); null, consuming nothing, otherwise. */
    private Term nextLeaf() {
        if (pos >= end) {
            return null;
        }
        int tag = data[pos] & 0xFF;
        if (tag == Tag.SMALL_TUPLE || tag == Tag.LARGE_TUPLE || tag == Tag.LIST || tag == Tag.MAP
                || tag == Tag.NEW_FUN || tag == Tag.COMPRESSED) {
            return null;
        }
        int tagAt = pos;
        owed--;
        return leaf(tag("tag"), tagAt);
    }

    /**
     * Reads the leaves that come next into a container of {@code kind}, from element
     * {@code f} on, up to {@code count}; returns how far it got (it stops at a container).
     */
    private int fill(int kind, Term[] el, Object extra, int f, int count) {
        int limit = kind == LIST ? count - 1 : count; // a list's tail is left to the caller
        while (f < limit) {
            Term v;
            int p = pos;
            int tag = p < end ? data[p] & 0xFF : -1;
            // integers inline: the commonest leaves in lists
            if (tag == Tag.SMALL_INTEGER && end - p >= 2 && tagListener == null) {
                v = Int.of(data[p + 1] & 0xFF);
                pos = p + 2;
                owed--;
            } else if (tag == Tag.INTEGER && end - p >= 5 && tagListener == null) {
                v = Int.of(((data[p + 1] & 0xFF) << 24) | ((data[p + 2] & 0xFF) << 16) | ((data[p + 3] & 0xFF) << 8)
                        | (data[p + 4] & 0xFF));
                pos = p + 5;
                owed--;
            } else {
                v = nextLeaf();
                if (v == null) {
                    break;
                }
            }
            if (kind == MAP) {
                ((f & 1) == 0 ? el : (Term[]) extra)[f >>> 1] = v;
            } else {
                el[f] = v;
            }
            f++;
        }
        return f;
    }

    /** A container: the finished term when its elements were all leaves, else null with a level opened. */
    private Term container(int tag, int tagAt) {
        int n;
        switch (tag) {
            case Tag.SMALL_TUPLE, Tag.LARGE_TUPLE -> {
                long arity = tag == Tag.SMALL_TUPLE ? u8("tuple arity") : u32("tuple arity");
                if (arity == 0) {
                    return Tuple.EMPTY;
                }
                checkDepth(tagAt);
                n = checkCount(arity, 1, owed, "tuple arity", tagAt);
                Term[] el = new Term[n];
                owed += n;
                int f = fill(TUPLE, el, null, 0, n);
                if (f == n) {
                    return new Tuple(el, true);
                }
                open(TUPLE, el, null, n, f, tagAt);
                return null;
            }
            case Tag.LIST -> {
                long length = u32("list length");
                if (length == 0) {
                    // [|Tail] is just Tail: read it in this element's place
                    if (sp > 0) {
                        owed++;
                    }
                    return null;
                }
                if (sp > 0 && tailOfOpenList()) {
                    extendOpenList(length, tagAt);
                    return null;
                }
                checkDepth(tagAt);
                n = checkCount(length, 1, owed + 1, "list length", tagAt);
                Term[] el = new Term[n];
                owed += n + 1;
                int f = fill(LIST, el, null, 0, n + 1);
                if (f == n) {
                    Term tail = nextLeaf();
                    if (tail != null) {
                        return list(el, tail);
                    }
                }
                open(LIST, el, null, n + 1, f, tagAt);
                return null;
            }
            case Tag.MAP -> {
                long arity = u32("map arity");
                if (arity == 0) {
                    return TermMap.EMPTY;
                }
                checkDepth(tagAt);
                n = checkCount(arity, 2, owed, "map arity", tagAt);
                Term[] keys = new Term[n];
                Term[] values = new Term[n];
                owed += 2 * n;
                int f = fill(MAP, keys, values, 0, 2 * n);
                if (f == 2 * n) {
                    return map(keys, values, tagAt);
                }
                open(MAP, keys, values, 2 * n, f, tagAt);
                return null;
            }
            case Tag.NEW_FUN -> {
                FunHeader h = funHeader(tagAt);
                if (h.numFree == 0) {
                    checkFunSize(h);
                    return h.build(NO_TERMS);
                }
                checkDepth(tagAt);
                owed += h.numFree;
                open(FUN, new Term[h.numFree], h, h.numFree, 0, tagAt);
                return null;
            }
            default -> {
                // COMPRESSED
                if (sp != 0 || inflated) {
                    throw error("tag", "80 (compressed)", "compression only at the top of a term, once", tagAt);
                }
                return compressed(tagAt);
            }
        }
    }

    /** True when the term being read is the tail of the innermost open container, a list. */
    private boolean tailOfOpenList() {
        int m = 4 * (sp - 1);
        return meta[m + KIND] == LIST && meta[m + FILL] == meta[m + COUNT] - 1;
    }

    /**
     * A list that is the tail of the open list ({@code [a,b|[c,d|...]]}, nested tails) joins
     * it: its elements are appended to the open list's array, which grows geometrically, so
     * any number of nested tails costs time linear in the elements, as cons cells do.
     */
    private void extendOpenList(long length, int tagAt) {
        int top = sp - 1;
        int m = 4 * top;
        int have = meta[m + COUNT] - 1;
        int n = checkCount(length, 1, owed + 1, "list length", tagAt);
        long total = (long) have + n;
        if (total > MAX_ARRAY) {
            throw error("list length", Long.toString(total), "at most " + MAX_ARRAY + " elements in one list", tagAt);
        }
        Term[] el = (Term[]) refs[2 * top];
        if (total > el.length) {
            long grown = Math.max(total, Math.min(MAX_ARRAY, el.length + (long) (el.length >> 1) + 8));
            el = Arrays.copyOf(el, (int) grown);
            counted(have);
            refs[2 * top] = el;
        }
        owed += n + 1;
        int count = (int) total + 1;
        meta[m + COUNT] = count;
        meta[m + FILL] = fill(LIST, el, null, have, count);
    }

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private void counted(long n) {
        if (work != null) {
            work[0] += n;
        }
    }

    private int checkCount(long n, int bytesEach, int owedNow, String what, int tagAt) {
        long available = (long) (end - pos) - owedNow;
        if (n * bytesEach > available) {
            throw error(what, Long.toString(n), "at most " + Math.max(0, available / bytesEach)
                    + ", as " + (end - pos) + " bytes remain", tagAt);
        }
        return (int) n;
    }

    private void checkDepth(int tagAt) {
        if (sp >= limits.maxDepth()) {
            throw error("nesting depth", (sp + 1) + " levels", "at most " + limits.maxDepth()
                   , tagAt);
        }
    }

    private void open(int k, Term[] children, Object extra, int n, int f, int tagAt) {
        if (meta == null) {
            int levels = Math.min(4, limits.maxDepth());
            meta = new int[4 * levels];
            refs = new Object[2 * levels];
        } else if (4 * sp == meta.length) {
            // levels are bounded by the input (each takes bytes), so the stack stays within it
            int levels = (int) Math.min(Math.min(2L * sp, limits.maxDepth()), MAX_ARRAY / 4);
            meta = Arrays.copyOf(meta, 4 * levels);
            refs = Arrays.copyOf(refs, 2 * levels);
        }
        int m = 4 * sp;
        meta[m + KIND] = k;
        meta[m + COUNT] = n;
        meta[m + FILL] = f;
        meta[m + OPENED] = tagAt;
        refs[2 * sp] = children;
        refs[2 * sp + 1] = extra;
        sp++;
    }

    private Term close(int top) {
        Term[] el = (Term[]) refs[2 * top];
        Object extra = refs[2 * top + 1];
        switch (meta[4 * top + KIND]) {
            case TUPLE -> {
                return new Tuple(el, true);
            }
            case LIST -> {
                int n = meta[4 * top + COUNT] - 1;
                if (n < el.length) {
                    el = Arrays.copyOf(el, n);
                    counted(n);
                }
                return list(el, (Term) extra);
            }
            case MAP -> {
                return map(el, (Term[]) extra, meta[4 * top + OPENED]);
            }
            default -> {
                FunHeader h = (FunHeader) extra;
                checkFunSize(h);
                return h.build(el);
            }
        }
    }

    /**
     * A list from its elements and its tail; a tail that is a list (only a leaf one gets here:
     * {@code []} or a STRING_EXT) is merged in, once.
     */
    private TermList list(Term[] el, Term tail) {
        if (tail instanceof TermList rest) {
            if (rest.isEmpty()) {
                return TermList.wrap(el, null);
            }
            Term[] all = Arrays.copyOf(el, el.length + rest.size());
            System.arraycopy(rest.array(), 0, all, el.length, rest.size());
            counted(all.length);
            return TermList.wrap(all, rest.rawTail());
        }
        return TermList.wrap(el, tail);
    }

    private TermMap map(Term[] keys, Term[] values, int tagAt) {
        int[] duplicate = new int[1];
        TermMap map = TermMap.buildOrNull(keys, values, duplicate, work);
        if (map == null) {
            throw error("map key", keys[duplicate[0]].toString() + " repeated", "unique keys", tagAt);
        }
        return map;
    }

    // ---------------------------------------------------------------- leaves

    private Float64 checkedFloat(double d, int tagAt) {
        if (!Double.isFinite(d)) {
            throw error("float", Double.toString(d), "a finite number", tagAt);
        }
        return new Float64(d);
    }

    /** FLOAT_EXT: 31 bytes of {@code printf("%.20e")}, NUL padded. */
    private Float64 oldFloat(int tagAt) {
        need(31, "float text");
        int p = pos;
        int len = 0;
        while (len < 31 && data[p + len] != 0) {
            len++;
        }
        String text = new String(data, p, len, StandardCharsets.ISO_8859_1);
        pos += 31;
        if (!text.matches("[+-]?[0-9]+\\.[0-9]+([eE][+-]?[0-9]+)?")) {
            throw error("float text", "'" + text + "'", "a decimal number such as 1.5e+00", tagAt);
        }
        return checkedFloat(Double.parseDouble(text), tagAt);
    }

    private Atom atomBody(int tag, int tagAt) {
        switch (tag) {
            case Tag.SMALL_ATOM_UTF8 -> {
                return utf8Atom(u8("atom length"), tagAt);
            }
            case Tag.ATOM_UTF8 -> {
                return utf8Atom(u16("atom length"), tagAt);
            }
            case Tag.SMALL_ATOM -> {
                return latin1Atom(u8("atom length"), tagAt);
            }
            case Tag.ATOM -> {
                return latin1Atom(u16("atom length"), tagAt);
            }
            case Tag.ATOM_CACHE_REF -> {
                int index = u8("atom cache index");
                Atom[] cache = atomCache;
                if (cache == null || index >= cache.length || cache[index] == null) {
                    throw error("atom cache index", Integer.toString(index),
                            cache == null ? "no atom cache reference outside a distribution message"
                                    : "an entry of the distribution header's atom cache", tagAt);
                }
                return cache[index];
            }
            default -> throw error("atom tag", Integer.toString(tag), "an atom (tags 118, 119, 100, 115 or 82)", tagAt);
        }
    }

    private Atom latin1Atom(int len, int tagAt) {
        if (len > Atom.MAX_CHARACTERS) {
            throw error("atom length", len + " characters", "at most " + Atom.MAX_CHARACTERS, tagAt);
        }
        need(len, "atom text");
        int p = pos;
        pos += len;
        if (ascii(p, len)) {
            // ASCII is the same in Latin-1 and UTF-8
            Atom cached = AtomCache.lookup(data, p, len);
            if (cached != null) {
                return cached;
            }
            Atom atom = new Atom(new String(data, p, len, StandardCharsets.ISO_8859_1));
            AtomCache.remember(atom, data, p, len);
            return atom;
        }
        return Atom.of(new String(data, p, len, StandardCharsets.ISO_8859_1));
    }

    private boolean ascii(int p, int len) {
        int bits = 0;
        for (int i = p, stop = p + len; i < stop; i++) {
            bits |= data[i];
        }
        return bits >= 0;
    }

    private Atom utf8Atom(int len, int tagAt) {
        need(len, "atom text");
        int p = pos;
        // bytes equal to a cached atom's UTF-8 are that atom: no validation needed
        Atom cached = AtomCache.lookup(data, p, len);
        if (cached != null) {
            pos += len;
            return cached;
        }
        if (len <= Atom.MAX_CHARACTERS && ascii(p, len)) {
            Atom atom = new Atom(new String(data, p, len, StandardCharsets.ISO_8859_1));
            AtomCache.remember(atom, data, p, len);
            pos += len;
            return atom;
        }
        int stop = p + len;
        int chars;
        try {
            chars = Utf8.characters(data, p, len);
        } catch (Utf8.Malformed e) {
            throw error("atom text", e.actual, e.expected, e.at);
        }
        if (chars > Atom.MAX_CHARACTERS) {
            throw error("atom length", chars + " characters", "at most " + Atom.MAX_CHARACTERS, tagAt);
        }
        pos = stop;
        Atom atom = new Atom(new String(data, p, len, StandardCharsets.UTF_8));
        AtomCache.remember(atom, data, p, len);
        return atom;
    }

    private Int big(long n, int tagAt) {
        if (n > limits.maxBinarySize()) {
            throw error("big integer length", n + " bytes", "at most " + limits.maxBinarySize(), tagAt);
        }
        int sign = u8("big integer sign");
        need(n, "big integer digits");
        int len = (int) n;
        int p = pos;
        pos += len;
        return Int.ofLittleEndian(sign != 0, data, p, len);
    }

    private Binary binary(int tagAt) {
        long n = u32("binary length");
        checkBinaryLength("binary length", n, tagAt);
        int p = pos;
        pos += (int) n;
        return copyBinaries ? Binary.of(data, p, (int) n) : Binary.share(data, p, (int) n);
    }

    private void checkBinaryLength(String what, long n, int tagAt) {
        if (n > limits.maxBinarySize()) {
            throw error(what, n + " bytes", "at most " + limits.maxBinarySize(), tagAt);
        }
        if (n > end - pos) {
            throw error(what, n + " bytes", "at most the " + (end - pos) + " bytes that remain", tagAt);
        }
    }

    private Term bitBinary(int tagAt) {
        long n = u32("bit binary length");
        int bits = u8("bit binary last byte bits");
        checkBinaryLength("bit binary length", n, tagAt);
        if (n == 0 ? bits != 0 : bits < 1 || bits > 8) {
            throw error("bit binary last byte bits", Integer.toString(bits),
                    n == 0 ? "0 for an empty bit string" : "1..8", tagAt + 5);
        }
        int p = pos;
        pos += (int) n;
        if (bits == 8 || n == 0) {
            return copyBinaries ? Binary.of(data, p, (int) n) : Binary.share(data, p, (int) n);
        }
        return new BitString(data, p, (int) n, bits);
    }

    private TermList string(int tagAt) {
        int n = u16("string length");
        need(n, "string bytes");
        if (n == 0) {
            return TermList.NIL;
        }
        Term[] el = new Term[n];
        for (int i = 0; i < n; i++) {
            el[i] = Int.of(data[pos + i] & 0xFF);
        }
        pos += n;
        return TermList.wrap(el, null);
    }

    private Pid pid(int tag) {
        Atom node = readAtom();
        int id = s32("pid id");
        int serial = s32("pid serial");
        int creation = tag == Tag.NEW_PID ? s32("pid creation") : oldCreation("pid creation");
        return new Pid(node, id, serial, creation);
    }

    private Port port(int tag) {
        Atom node = readAtom();
        long id = tag == Tag.V4_PORT ? s64("port id") : u32("port id");
        int creation = tag == Tag.PORT ? oldCreation("port creation") : s32("port creation");
        return new Port(node, id, creation);
    }

    private Ref ref(int tag, int tagAt) {
        if (tag == Tag.REFERENCE) {
            Atom node = readAtom();
            int id = oldRefWord();
            int creation = oldCreation("reference creation");
            return new Ref(node, creation, new int[] {id}, true);
        }
        int len = u16("reference length");
        if (len < 1 || len > Ref.MAX_IDS) {
            throw error("reference length", len + " words", "1.." + Ref.MAX_IDS, tagAt);
        }
        Atom node = readAtom();
        int creation = tag == Tag.NEWER_REFERENCE ? s32("reference creation") : oldCreation("reference creation");
        need(4L * len, "reference ids");
        int[] ids = new int[len];
        for (int i = 0; i < len; i++) {
            ids[i] = i == 0 && tag == Tag.NEW_REFERENCE ? oldRefWord() : s32("reference id");
        }
        return new Ref(node, creation, ids, true);
    }

    /** The 8-bit creation of the pre-OTP-23 forms holds 2 bits, as OTP checks. */
    private int oldCreation(String what) {
        int at = pos;
        int c = u8(what);
        if (c > 3) {
            throw error(what, Integer.toString(c), "0..3 in this legacy form", at);
        }
        return c;
    }

    /** The first word of a pre-OTP-23 reference holds 18 bits, as OTP checks. */
    private int oldRefWord() {
        int at = pos;
        int id = s32("reference id");
        if ((id & ~0x3FFFF) != 0) {
            throw error("reference id", Integer.toUnsignedString(id), "at most 262143 (18 bits) in this legacy form", at);
        }
        return id;
    }

    private ExportFun export(int tagAt) {
        Atom module = readAtom();
        Atom function = readAtom();
        int arityAt = pos;
        int tag = tag("export arity tag");
        if (tag != Tag.SMALL_INTEGER) {
            throw error("export arity tag", Integer.toString(tag), "97 (SMALL_INTEGER_EXT)", arityAt);
        }
        return new ExportFun(module, function, u8("export arity"));
    }

    /** An integer term that must fit in a long (the old index and old uniq of a fun). */
    private long smallInteger(String what) {
        int at = pos;
        int tag = tag(what + " tag");
        return switch (tag) {
            case Tag.SMALL_INTEGER -> u8(what);
            case Tag.INTEGER -> s32(what);
            case Tag.SMALL_BIG -> {
                Int i = big(u8(what + " length"), at);
                if (!i.isLong()) {
                    throw error(what, i.toString(), "an integer of at most 64 bits", at);
                }
                yield i.longValue();
            }
            default -> throw error(what + " tag", Integer.toString(tag), "an integer (97, 98 or 110)", at);
        };
    }

    /** The fixed part of a NEW_FUN_EXT, waiting for its free variables. */
    private record FunHeader(int start, long size, int arity, byte[] uniq, int index, int numFree, Atom module,
            long oldIndex, long oldUniq, Pid pid) {

        Fun build(Term[] free) {
            return new Fun(arity, uniq, index, module, oldIndex, oldUniq, pid, free, true);
        }
    }

    private FunHeader funHeader(int tagAt) {
        long size = u32("fun size");
        int arity = u8("fun arity");
        need(16, "fun uniq");
        byte[] uniq = Arrays.copyOfRange(data, pos, pos + 16);
        pos += 16;
        int index = s32("fun index");
        long numFree = u32("fun free variable count");
        Atom module = readAtom();
        long oldIndex = smallInteger("fun old index");
        long oldUniq = smallInteger("fun old uniq");
        int pidAt = pos;
        int pidTag = tag("fun pid tag");
        if (pidTag != Tag.NEW_PID && pidTag != Tag.PID) {
            throw error("fun pid tag", Integer.toString(pidTag), "a pid (88 or 103)", pidAt);
        }
        Pid pid = pid(pidTag);
        int n = checkCount(numFree, 1, owed, "fun free variable count", tagAt);
        return new FunHeader(tagAt, size, arity, uniq, index, n, module, oldIndex, oldUniq, pid);
    }

    private void checkFunSize(FunHeader h) {
        long actual = pos - h.start() - 1L;
        if (actual != h.size()) {
            throw error("fun size", h.size() + " bytes", actual + " bytes, as the fun's fields take", h.start() + 1);
        }
    }

    /**
     * Tag 80: USize:32, then zlib data inflating to exactly USize bytes holding one term.
     * The output buffer grows with what actually inflates, so a small input declaring a
     * large size costs little.
     */
    private Term compressed(int tagAt) {
        long size = u32("uncompressed size");
        if (size > limits.maxUncompressedSize()) {
            throw error("uncompressed size", size + " bytes", "at most " + limits.maxUncompressedSize(), tagAt + 1);
        }
        Zlib.Inflated z = Zlib.inflate(data, pos, end, (int) size, tagAt + 5 - start);
        pos = z.next();
        TermReader inner = new TermReader(z.bytes(), 0, z.bytes().length, limits);
        inner.atomCache = atomCache;
        inner.tagListener = tagListener;
        inner.inflated = true;
        Term t;
        try {
            t = inner.read();
        } catch (TermDecodeException e) {
            throw new TermDecodeException("compressed term", e.getMessage(), "a valid term inside",
                    tagAt - start, e);
        }
        if (inner.remaining() != 0) {
            throw error("compressed term", inner.remaining() + " bytes after the term", "nothing after it", tagAt);
        }
        return t;
    }
}
