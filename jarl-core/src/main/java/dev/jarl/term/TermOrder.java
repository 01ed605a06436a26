/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Erlang's term order, made total (see {@link Term}).
 *
 * <p>Rules as OTP 25 applies them (checked pair by pair against a real BEAM in the tests):
 * numbers by value; atoms by their UTF-8 bytes (that is, by code point); references by
 * node, creation, then words from the last one down (extra words of the longer one count
 * only when not zero); local funs before
 * export funs, locals by module, old index, old uniq, free variables, exports by module,
 * function, arity; ports by node, creation, id; pids by serial, id, node, creation; tuples
 * by size, then elements; maps by size, then keys (each map's keys sorted in map-key order,
 * where every integer precedes every float), then values in that key order; {@code []}
 * before any non-empty list; lists element by element, then tails; bit strings bit by bit,
 * a prefix first.
 *
 * <p>Erlang's order has ties between terms that are {@code ==} but not {@code =:=}
 * ({@code 1} and {@code 1.0}, {@code [1]} and {@code [1.0]}). The total order compares in
 * Erlang's order first and only then breaks such a tie with a second pass in which an
 * integer precedes a float of the same value and {@code -0.0} precedes {@code 0.0}.
 */
final class TermOrder {

    /** OTP's order of map keys: as the term order, except that all integers precede all floats. */
    static final Comparator<Term> MAP_KEY_ORDER = (a, b) -> compare(a, b, Mode.KEY);

    /** How numbers of different types meet. */
    private enum Mode {
        /** Erlang's {@code <}: by value, {@code 1 == 1.0}, {@code 0.0 == -0.0}. */
        ARITH,
        /** The tie-break: by value, then integer before float, then {@code -0.0} before {@code 0.0}. */
        TOTAL,
        /** Map keys: every integer before every float. */
        KEY
    }

    private TermOrder() {
    }

    static int compare(Term a, Term b) {
        int c = compare(a, b, Mode.ARITH);
        if (c != 0 || a.equals(b)) {
            return c;
        }
        return compare(a, b, Mode.TOTAL);
    }

    private static int rank(Term t) {
        return switch (t) {
            case Int i -> 0;
            case Float64 f -> 0;
            case Atom a -> 1;
            case Ref r -> 2;
            case Fun f -> 3;
            case ExportFun e -> 3;
            case Port p -> 4;
            case Pid p -> 5;
            case Tuple tu -> 6;
            case TermMap m -> 7;
            case TermList l -> l.isEmpty() ? 8 : 9;
            case Binary b -> 10;
            case BitString s -> 10;
        };
    }

    private static int compare(Term a, Term b, Mode mode) {
        if (a == b) {
            return 0;
        }
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        return switch (a) {
            case Int i -> b instanceof Int j ? compareInts(i, j) : compareIntFloat(i, ((Float64) b).value(), mode);
            case Float64 f -> b instanceof Float64 g
                    ? compareFloats(f.value(), g.value(), mode)
                    : -compareIntFloat((Int) b, f.value(), mode);
            case Atom x -> compareText(x.name(), ((Atom) b).name());
            case Ref x -> compareRefs(x, (Ref) b);
            case Fun x -> b instanceof Fun y ? compareFuns(x, y, mode) : -1;
            case ExportFun x -> b instanceof ExportFun y ? compareExports(x, y) : 1;
            case Port x -> comparePorts(x, (Port) b);
            case Pid x -> comparePids(x, (Pid) b);
            case Tuple x -> compareArrays(x.array(), ((Tuple) b).array(), mode);
            case TermMap x -> compareMaps(x, (TermMap) b, mode);
            case TermList x -> compareLists(x, (TermList) b, mode);
            case Binary x -> compareBits(x, b);
            case BitString x -> compareBits(x, b);
        };
    }

    private static int compareInts(Int a, Int b) {
        if (a.isLong() && b.isLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        return a.bigValue().compareTo(b.bigValue());
    }

    private static int compareFloats(double a, double b, Mode mode) {
        return mode == Mode.ARITH && a == b ? 0 : Double.compare(a, b);
    }

    /** Integer against float: by exact value, the integer first on a tie except in Erlang's own order; always the integer first for map keys. */
    private static int compareIntFloat(Int i, double f, Mode mode) {
        if (mode == Mode.KEY) {
            return -1;
        }
        int c;
        if (i.isLong() && Math.abs(i.longValue()) <= (1L << 53)) {
            c = Double.compare((double) i.longValue(), f == 0.0 ? 0.0 : f);
        } else {
            c = new BigDecimal(i.bigValue()).compareTo(new BigDecimal(f));
        }
        return c != 0 || mode == Mode.ARITH ? c : -1;
    }

    static int compareText(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                // surrogates (code points above U+FFFF) sort after every other char in code point order
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) {
                    return sx ? 1 : -1;
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static int compareRefs(Ref a, Ref b) {
        int c = compareText(a.node().name(), b.node().name());
        if (c != 0) {
            return c;
        }
        c = Integer.compareUnsigned(a.creation(), b.creation());
        if (c != 0) {
            return c;
        }
        int[] x = a.idArray();
        int[] y = b.idArray();
        // the longer one's extra high words decide first, if any is not zero
        for (int i = x.length - 1; i >= y.length; i--) {
            if (x[i] != 0) {
                return 1;
            }
        }
        for (int i = y.length - 1; i >= x.length; i--) {
            if (y[i] != 0) {
                return -1;
            }
        }
        for (int i = Math.min(x.length, y.length) - 1; i >= 0; i--) {
            c = Integer.compareUnsigned(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareFuns(Fun a, Fun b, Mode mode) {
        int c = compareText(a.module().name(), b.module().name());
        if (c == 0) {
            c = Long.compare(a.oldIndex(), b.oldIndex());
        }
        if (c == 0) {
            c = Long.compare(a.oldUniq(), b.oldUniq());
        }
        if (c == 0) {
            c = compareArrays(a.freeVarArray(), b.freeVarArray(), mode);
        }
        if (c == 0) {
            c = Integer.compare(a.index(), b.index());
        }
        if (c == 0) {
            c = Integer.compare(a.arity(), b.arity());
        }
        if (c == 0) {
            c = Arrays.compareUnsigned(a.uniqArray(), b.uniqArray());
        }
        return c != 0 ? c : compare(a.pid(), b.pid(), mode);
    }

    private static int compareExports(ExportFun a, ExportFun b) {
        int c = compareText(a.module().name(), b.module().name());
        if (c == 0) {
            c = compareText(a.function().name(), b.function().name());
        }
        return c != 0 ? c : Integer.compare(a.arity(), b.arity());
    }

    private static int comparePorts(Port a, Port b) {
        int c = compareText(a.node().name(), b.node().name());
        if (c == 0) {
            c = Integer.compareUnsigned(a.creation(), b.creation());
        }
        return c != 0 ? c : Long.compareUnsigned(a.id(), b.id());
    }

    private static int comparePids(Pid a, Pid b) {
        int c = Integer.compareUnsigned(a.serial(), b.serial());
        if (c == 0) {
            c = Integer.compareUnsigned(a.id(), b.id());
        }
        if (c == 0) {
            c = compareText(a.node().name(), b.node().name());
        }
        return c != 0 ? c : Integer.compareUnsigned(a.creation(), b.creation());
    }

    /** By length, then element by element (tuples, free variables). */
    private static int compareArrays(Term[] x, Term[] y, Mode mode) {
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        for (int i = 0; i < x.length; i++) {
            int c = compare(x[i], y[i], mode);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int compareMaps(TermMap a, TermMap b, Mode mode) {
        if (a.size() != b.size()) {
            return Integer.compare(a.size(), b.size());
        }
        Integer[] ia = sortedPositions(a);
        Integer[] ib = sortedPositions(b);
        Term[] ka = a.keyArray();
        Term[] kb = b.keyArray();
        for (int i = 0; i < ia.length; i++) {
            int c = compare(ka[ia[i]], kb[ib[i]], Mode.KEY);
            if (c != 0) {
                return c;
            }
        }
        Term[] va = a.valueArray();
        Term[] vb = b.valueArray();
        for (int i = 0; i < ia.length; i++) {
            int c = compare(va[ia[i]], vb[ib[i]], mode);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static Integer[] sortedPositions(TermMap m) {
        Term[] keys = m.keyArray();
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> MAP_KEY_ORDER.compare(keys[i], keys[j]));
        return order;
    }

    private static int compareLists(TermList a, TermList b, Mode mode) {
        Term[] x = a.array();
        Term[] y = b.array();
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int c = compare(x[i], y[i], mode);
            if (c != 0) {
                return c;
            }
        }
        if (x.length == y.length) {
            return compare(a.tail(), b.tail(), mode);
        }
        // one list ran out: its tail meets the rest of the other, a non-empty list
        if (x.length < y.length) {
            return compare(a.tail(), TermList.wrap(Arrays.copyOfRange(y, n, y.length), b.rawTail()), mode);
        }
        return compare(TermList.wrap(Arrays.copyOfRange(x, n, x.length), a.rawTail()), b.tail(), mode);
    }

    /** A bit string's bytes as one view: {@code bits} bits from {@code array[offset]}. */
    private record Bits(byte[] array, int offset, long bits) {
        static Bits of(Term t) {
            return t instanceof Binary b
                    ? new Bits(b.array(), b.offset(), b.size() * 8L)
                    : new Bits(((BitString) t).array(), 0, ((BitString) t).bitSize());
        }
    }

    private static int compareBits(Term a, Term b) {
        Bits bx = Bits.of(a);
        Bits by = Bits.of(b);
        byte[] x = bx.array();
        int xo = bx.offset();
        long xbits = bx.bits();
        byte[] y = by.array();
        int yo = by.offset();
        long ybits = by.bits();
        long common = Math.min(xbits, ybits);
        int wholeBytes = (int) (common / 8);
        int c = Arrays.compareUnsigned(x, xo, xo + wholeBytes, y, yo, yo + wholeBytes);
        if (c != 0) {
            return c;
        }
        int rest = (int) (common % 8);
        if (rest != 0) {
            int mask = 0xFF << (8 - rest) & 0xFF;
            c = Integer.compare(x[xo + wholeBytes] & mask, y[yo + wholeBytes] & mask);
            if (c != 0) {
                return c;
            }
        }
        return Long.compare(xbits, ybits);
    }
}
