/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Walks over terms with an explicit stack instead of Java recursion, so that a term nested a
 * million levels deep hashes, converts and prints on the default thread stack, as the BEAM
 * handles such terms.
 *
 * <p>The containers are {@link Tuple}, {@link TermList}, {@link TermMap} and {@link Fun}
 * (its free variables); every other term is a leaf.
 */
final class TermWalk {

    private TermWalk() {
    }

    /** True for the terms that hold other terms. */
    static boolean isContainer(Term t) {
        return t instanceof Tuple || t instanceof TermList || t instanceof TermMap || t instanceof Fun;
    }

    /**
     * Child {@code i} of a container, or null past the last: a tuple's elements, a list's
     * elements then its improper tail, a map's keys and values alternating, a fun's free
     * variables.
     */
    static Term child(Term t, int i) {
        return switch (t) {
            case Tuple tu -> i < tu.array().length ? tu.array()[i] : null;
            case TermList l -> i < l.array().length ? l.array()[i] : i == l.array().length ? l.rawTail() : null;
            case TermMap m -> i < 2 * m.size() ? ((i & 1) == 0 ? m.keyArray() : m.valueArray())[i >>> 1] : null;
            case Fun f -> i < f.freeVarArray().length ? f.freeVarArray()[i] : null;
            default -> null;
        };
    }

    /**
     * Visits in post-order every container under {@code root} (root included) for which
     * {@code descend} holds, calling {@code after} once all its children were visited.
     * Containers for which {@code descend} fails are neither entered nor passed to {@code after}.
     */
    static void postOrder(Term root, Predicate<Term> descend, Consumer<Term> after) {
        if (!isContainer(root) || !descend.test(root)) {
            return;
        }
        Term[] nodes = new Term[16];
        int[] next = new int[16];
        nodes[0] = root;
        int sp = 1;
        while (sp > 0) {
            Term t = nodes[sp - 1];
            int i = next[sp - 1];
            Term c = child(t, i);
            if (c == null) {
                nodes[--sp] = null;
                next[sp] = 0;
                after.accept(t);
                continue;
            }
            next[sp - 1] = i + 1;
            if (isContainer(c) && descend.test(c)) {
                if (sp == nodes.length) {
                    nodes = Arrays.copyOf(nodes, sp * 2);
                    next = Arrays.copyOf(next, sp * 2);
                }
                nodes[sp] = c;
                next[sp++] = 0;
            }
        }
    }

    // ---------------------------------------------------------------- hashing

    /**
     * The hash of a container, computing and caching first the hash of every container under
     * it that has none yet, deepest first; each container then combines its children's cached
     * hashes without recursing.
     */
    static int hash(Term root) {
        int cached = cachedHash(root);
        if (cached != 0) {
            return cached;
        }
        postOrder(root, t -> cachedHash(t) == 0, TermWalk::computeHash);
        return cachedHash(root);
    }

    private static int cachedHash(Term t) {
        return switch (t) {
            case Tuple tu -> tu.cachedHash();
            case TermList l -> l.cachedHash();
            case TermMap m -> m.cachedHash();
            case Fun f -> f.cachedHash();
            default -> t.hashCode();
        };
    }

    /** Hashes one container whose children's hashes are all cached; 0 becomes 1, so 0 means "not yet". */
    private static void computeHash(Term t) {
        switch (t) {
            case Tuple tu -> tu.cacheHash(nonZero(poly(tu.array()) + 3));
            case TermList l -> l.cacheHash(nonZero(31 * poly(l.array()) + (l.rawTail() == null ? 0 : cachedHash(l.rawTail())) + 7));
            case TermMap m -> {
                int h = 5;
                Term[] k = m.keyArray();
                Term[] v = m.valueArray();
                for (int i = 0; i < k.length; i++) {
                    h += cachedHash(k[i]) ^ cachedHash(v[i]);
                }
                m.cacheHash(nonZero(h));
            }
            case Fun f -> f.cacheHash(nonZero(Objects.hash(f.module(), f.index(), f.oldUniq(), f.pid()) * 31
                    + poly(f.freeVarArray())));
            default -> throw new IllegalStateException("not a container: " + t.getClass().getSimpleName());
        }
    }

    private static int poly(Term[] elements) {
        int h = 1;
        for (Term e : elements) {
            h = 31 * h + cachedHash(e);
        }
        return h;
    }

    private static int nonZero(int h) {
        return h == 0 ? 1 : h;
    }

    // ---------------------------------------------------------------- to and from Java values

    /** {@link Term#toJava()} of a container, without recursion. */
    static Object toJava(Term root) {
        // per open container: the term, the next child, and the converted children so far
        Term[] nodes = new Term[16];
        int[] next = new int[16];
        Object[][] outs = new Object[16][];
        nodes[0] = root;
        outs[0] = new Object[childCount(root)];
        int sp = 1;
        Object done = null;
        while (sp > 0) {
            Term t = nodes[sp - 1];
            int i = next[sp - 1];
            Object[] out = outs[sp - 1];
            if (i == out.length) {
                Object value = assemble(t, out);
                nodes[--sp] = null;
                outs[sp] = null;
                next[sp] = 0;
                if (sp == 0) {
                    done = value;
                } else {
                    outs[sp - 1][next[sp - 1]++] = value;
                }
                continue;
            }
            Term c = child(t, i);
            if (convertsChildren(c)) {
                if (sp == nodes.length) {
                    nodes = Arrays.copyOf(nodes, sp * 2);
                    next = Arrays.copyOf(next, sp * 2);
                    outs = Arrays.copyOf(outs, sp * 2);
                }
                nodes[sp] = c;
                outs[sp] = new Object[childCount(c)];
                next[sp++] = 0;
            } else {
                out[i] = c.toJava();
                next[sp - 1] = i + 1;
            }
        }
        return done;
    }

    /** True for the containers whose {@link Term#toJava()} converts their children (not funs, not improper lists). */
    private static boolean convertsChildren(Term t) {
        return t instanceof Tuple || t instanceof TermMap || t instanceof TermList l && l.isProper() && !l.isEmpty();
    }

    private static int childCount(Term t) {
        return switch (t) {
            case Tuple tu -> tu.arity();
            case TermList l -> l.size();
            case TermMap m -> 2 * m.size();
            default -> 0;
        };
    }

    private static Object assemble(Term t, Object[] converted) {
        return switch (t) {
            case Tuple tu -> converted;
            case TermList l -> Collections.unmodifiableList(Arrays.asList(converted));
            case TermMap m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < converted.length; i += 2) {
                    out.put(converted[i], converted[i + 1]);
                }
                yield out;
            }
            default -> throw new IllegalStateException("not converted by parts: " + t.getClass().getSimpleName());
        };
    }

    /** {@link Term#of(Object)}, without recursion into nested lists, maps and arrays. */
    static Term of(Object root) {
        if (!nested(root)) {
            return leaf(root);
        }
        // per open Java container: what it was, an iterator over its parts, the terms so far
        Object[] sources = new Object[16];
        Iterator<?>[] parts = new Iterator<?>[16];
        List<?>[] outs = new List<?>[16];
        int sp = open(root, sources, parts, outs, 0);
        Term done = null;
        while (sp > 0) {
            Iterator<?> it = parts[sp - 1];
            @SuppressWarnings("unchecked")
            List<Term> out = (List<Term>) outs[sp - 1];
            if (!it.hasNext()) {
                Term value = build(sources[sp - 1], out);
                sp--;
                sources[sp] = null;
                parts[sp] = null;
                outs[sp] = null;
                if (sp == 0) {
                    done = value;
                } else {
                    @SuppressWarnings("unchecked")
                    List<Term> parent = (List<Term>) outs[sp - 1];
                    parent.add(value);
                }
                continue;
            }
            Object part = it.next();
            if (nested(part)) {
                if (sp == sources.length) {
                    sources = Arrays.copyOf(sources, sp * 2);
                    parts = Arrays.copyOf(parts, sp * 2);
                    outs = Arrays.copyOf(outs, sp * 2);
                }
                sp = open(part, sources, parts, outs, sp);
            } else {
                out.add(leaf(part));
            }
        }
        return done;
    }

    private static boolean nested(Object value) {
        return value instanceof List<?> || value instanceof Map<?, ?> || value instanceof Object[];
    }

    private static int open(Object value, Object[] sources, Iterator<?>[] parts, List<?>[] outs, int sp) {
        sources[sp] = value;
        switch (value) {
            case List<?> list -> {
                parts[sp] = list.iterator();
                outs[sp] = new ArrayList<Term>(list.size());
            }
            case Map<?, ?> map -> {
                // keys and values alternating
                List<Object> flat = new ArrayList<>(2 * map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    flat.add(e.getKey());
                    flat.add(e.getValue());
                }
                parts[sp] = flat.iterator();
                outs[sp] = new ArrayList<Term>(flat.size());
            }
            default -> {
                Object[] array = (Object[]) value;
                parts[sp] = Arrays.asList(array).iterator();
                outs[sp] = new ArrayList<Term>(array.length);
            }
        }
        return sp + 1;
    }

    private static Term build(Object source, List<Term> converted) {
        Term[] terms = converted.toArray(new Term[0]);
        return switch (source) {
            case List<?> list -> TermList.wrap(terms, null);
            case Map<?, ?> map -> {
                int n = terms.length / 2;
                Term[] keys = new Term[n];
                Term[] values = new Term[n];
                for (int i = 0; i < n; i++) {
                    keys[i] = terms[2 * i];
                    values[i] = terms[2 * i + 1];
                }
                yield TermMap.build(keys, values);
            }
            default -> new Tuple(terms, true);
        };
    }

    /** {@link Term#of(Object)} of a value that holds no Java collection. */
    static Term leaf(Object value) {
        return switch (value) {
            case null -> throw new IllegalArgumentException(
                    "Term.of: null (expected: a Term, String, integer, floating-point, Boolean, byte[], List, Map or Object[])");
            case Term t -> t;
            case String s -> Binary.of(s);
            case Integer i -> Int.of(i.longValue());
            case Long l -> Int.of(l.longValue());
            case Short s -> Int.of(s.longValue());
            case Byte b -> Int.of(b.longValue());
            case BigInteger b -> Int.of(b);
            case Double d -> new Float64(d);
            case Float f -> new Float64(f.doubleValue());
            case Boolean b -> Atom.of(b);
            case byte[] bytes -> Binary.of(bytes);
            default -> throw new IllegalArgumentException("Term.of: " + value.getClass().getName()
                    + " (expected: a Term, String, integer, floating-point, Boolean, byte[], List, Map or Object[])");
        };
    }
}
