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
    static final Comparator<Term> MAP_KEY_ORDER = TermOrder::compareKeys;

    /** How numbers of different types meet. */
    enum Mode {
        /** Erlang's {@code <}: by value, {@code 1 == 1.0}, {@code 0.0 == -0.0}. */
        ARITH,
        /** The tie-break: by value, then integer before float, then {@code -0.0} before {@code 0.0}. */
        TOTAL,
        /** Map keys: every integer before every float. */
        KEY
    }

    private TermOrder() {
    }

    /** The total order of {@link Term#compareTo}. */
    static int compare(Term a, Term b) {
        if (a == b) {
            return 0;
        }
        Walk w = new Walk();
        int c = w.run(a, b, Mode.ARITH);
        if (c != 0 || !w.tie) {
            return c;
        }
        // equal in Erlang's order only through 1 == 1.0 or 0.0 == -0.0 somewhere: break the tie
        return new Walk().run(a, b, Mode.TOTAL);
    }

    /** Exact equality ({@code =:=}): equal in the total order. */
    static boolean equal(Term a, Term b) {
        if (a == b) {
            return true;
        }
        int ha = cachedHashOrZero(a);
        int hb = cachedHashOrZero(b);
        if (ha != 0 && hb != 0 && ha != hb) {
            return false;
        }
        return new Walk().run(a, b, Mode.TOTAL) == 0;
    }

    /** The order map keys are sorted in; equal in it means {@code =:=}. */
    static int compareKeys(Term a, Term b) {
        return a == b ? 0 : new Walk().run(a, b, Mode.KEY);
    }

    /** As {@link #compareKeys}, adding the pairs of terms it compared to {@code work[0]}. */
    static int compareKeys(Term a, Term b, long[] work) {
        if (a == b) {
            work[0]++;
            return 0;
        }
        Walk w = new Walk();
        int c = w.run(a, b, Mode.KEY);
        work[0] += w.steps;
        return c;
    }

    private static int cachedHashOrZero(Term t) {
        return switch (t) {
            case Tuple tu -> tu.cachedHash();
            case TermList l -> l.cachedHash();
            case TermMap m -> m.cachedHash();
            case Fun f -> f.cachedHash();
            default -> 0;
        };
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

    /**
     * One comparison, with an explicit stack instead of recursion. The stack holds runs of
     * element pairs still to compare ({@code xs[i..n)} against {@code ys[i..n)}), each with its
     * mode and what decides once the run is all equal: a last pair (a list's tails) or a fixed
     * result (a fun's fields after its free variables).
     */
    private static final class Walk {
        // the stack, made on the first container: comparing leaves allocates nothing more
        private Term[][] xs;
        private Term[][] ys;
        private int[] at;
        private int[] end;
        private Mode[] modes;
        private Term[] lastX;
        private Term[] lastY;
        private int[] then;
        private int sp;
        /** True once two numbers were equal only by value (1 and 1.0, 0.0 and -0.0). */
        boolean tie;
        /** Pairs compared. */
        long steps;

        int run(Term a, Term b, Mode mode) {
            Term x = a;
            Term y = b;
            Mode m = mode;
            for (;;) {
                steps++;
                int c = x == y ? 0 : step(x, y, m);
                if (c != 0) {
                    return c;
                }
                // the next pair: from the top run, or what decides a finished run
                for (;;) {
                    if (sp == 0) {
                        return 0;
                    }
                    int top = sp - 1;
                    if (at[top] < end[top]) {
                        int i = at[top]++;
                        x = xs[top][i];
                        y = ys[top][i];
                        m = modes[top];
                        break;
                    }
                    Term lx = lastX[top];
                    Term ly = lastY[top];
                    int fixed = then[top];
                    m = modes[top];
                    xs[top] = null;
                    ys[top] = null;
                    lastX[top] = null;
                    lastY[top] = null;
                    sp = top;
                    if (lx != null) {
                        x = lx;
                        y = ly;
                        break;
                    }
                    if (fixed != 0) {
                        return fixed;
                    }
                }
            }
        }

        private void push(Term[] x, Term[] y, int n, Mode m, Term lx, Term ly, int fixed) {
            if (xs == null) {
                int k = 8;
                xs = new Term[k][];
                ys = new Term[k][];
                at = new int[k];
                end = new int[k];
                modes = new Mode[k];
                lastX = new Term[k];
                lastY = new Term[k];
                then = new int[k];
            } else if (sp == xs.length) {
                int k = sp * 2;
                xs = Arrays.copyOf(xs, k);
                ys = Arrays.copyOf(ys, k);
                at = Arrays.copyOf(at, k);
                end = Arrays.copyOf(end, k);
                modes = Arrays.copyOf(modes, k);
                lastX = Arrays.copyOf(lastX, k);
                lastY = Arrays.copyOf(lastY, k);
                then = Arrays.copyOf(then, k);
            }
            xs[sp] = x;
            ys[sp] = y;
            at[sp] = 0;
            end[sp] = n;
            modes[sp] = m;
            lastX[sp] = lx;
            lastY[sp] = ly;
            then[sp] = fixed;
            sp++;
        }

        /** Compares two terms as far as can be done now; containers push their elements and give 0. */
        private int step(Term a, Term b, Mode mode) {
            int ra = rank(a);
            int rb = rank(b);
            if (ra != rb) {
                return Integer.compare(ra, rb);
            }
            return switch (a) {
                case Int i -> b instanceof Int j ? compareInts(i, j) : intFloat(i, ((Float64) b).value(), mode);
                case Float64 f -> b instanceof Float64 g
                        ? floats(f.value(), g.value(), mode)
                        : -intFloat((Int) b, f.value(), mode);
                case Atom x -> compareText(x.name(), ((Atom) b).name());
                case Ref x -> compareRefs(x, (Ref) b);
                case Fun x -> b instanceof Fun y ? funs(x, y, mode) : -1;
                case ExportFun x -> b instanceof ExportFun y ? compareExports(x, y) : 1;
                case Port x -> comparePorts(x, (Port) b);
                case Pid x -> comparePids(x, (Pid) b);
                case Tuple x -> {
                    Term[] ex = x.array();
                    Term[] ey = ((Tuple) b).array();
                    if (ex.length != ey.length) {
                        yield Integer.compare(ex.length, ey.length);
                    }
                    push(ex, ey, ex.length, mode, null, null, 0);
                    yield 0;
                }
                case TermMap x -> maps(x, (TermMap) b, mode);
                case TermList x -> lists(x, (TermList) b, mode);
                case Binary x -> compareBits(x, b);
                case BitString x -> compareBits(x, b);
            };
        }

        private int floats(double a, double b, Mode mode) {
            if (mode == Mode.ARITH && a == b) {
                if (Double.compare(a, b) != 0) {
                    tie = true;
                }
                return 0;
            }
            return Double.compare(a, b);
        }

        private int intFloat(Int i, double f, Mode mode) {
            int c = compareIntFloat(i, f, mode);
            if (c == 0) {
                tie = true;
            }
            return c;
        }

        private int funs(Fun a, Fun b, Mode mode) {
            int c = compareText(a.module().name(), b.module().name());
            if (c == 0) {
                c = Long.compare(a.oldIndex(), b.oldIndex());
            }
            if (c == 0) {
                c = Long.compare(a.oldUniq(), b.oldUniq());
            }
            Term[] fa = a.freeVarArray();
            Term[] fb = b.freeVarArray();
            if (c == 0) {
                c = Integer.compare(fa.length, fb.length);
            }
            if (c != 0) {
                return c;
            }
            // the free variables decide first, then the fields after them
            int after = Integer.compare(a.index(), b.index());
            if (after == 0) {
                after = Integer.compare(a.arity(), b.arity());
            }
            if (after == 0) {
                after = Arrays.compareUnsigned(a.uniqArray(), b.uniqArray());
            }
            if (after == 0) {
                after = comparePids(a.pid(), b.pid());
            }
            push(fa, fb, fa.length, mode, null, null, after);
            return 0;
        }

        private int maps(TermMap a, TermMap b, Mode mode) {
            if (a.size() != b.size()) {
                return Integer.compare(a.size(), b.size());
            }
            int n = a.size();
            // keys first, in map-key order; then the values in that order
            push(a.sortedValues(), b.sortedValues(), n, mode, null, null, 0);
            push(a.sortedKeys(), b.sortedKeys(), n, Mode.KEY, null, null, 0);
            return 0;
        }

        private int lists(TermList a, TermList b, Mode mode) {
            Term[] x = a.array();
            Term[] y = b.array();
            int n = Math.min(x.length, y.length);
            if (x.length == y.length) {
                push(x, y, n, mode, a.tail(), b.tail(), 0);
            } else {
                // one list runs out first: its tail, never a non-empty list, meets a non-empty
                // list, so their ranks decide
                int c = x.length < y.length ? Integer.compare(rank(a.tail()), 9) : Integer.compare(9, rank(b.tail()));
                push(x, y, n, mode, null, null, c);
            }
            return 0;
        }
    }

    private static int compareInts(Int a, Int b) {
        if (a.isLong() && b.isLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        return a.bigValue().compareTo(b.bigValue());
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
