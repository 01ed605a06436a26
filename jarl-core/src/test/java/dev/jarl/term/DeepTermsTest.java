/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Terms nested hundreds of thousands of levels deep, as the BEAM handles them: every
 * operation works on the default thread stack (Surefire runs without {@code -Xss}), where a
 * recursion per level overflows past some ten thousand levels.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class DeepTermsTest {

    private static final int DEPTH = 200_000;

    /** {@code [[[...[Leaf, 1]..., 1], 1]}: a left-nested iolist, as built by {@code [Acc, X]}. */
    private static Term iolist(int depth, Term leaf) {
        Term acc = leaf;
        for (int i = 0; i < depth; i++) {
            acc = TermList.of(acc, Int.of(i & 0xFF));
        }
        return acc;
    }

    private static Term nestedTuples(int depth, Term leaf) {
        Term acc = leaf;
        for (int i = 0; i < depth; i++) {
            acc = Tuple.of(acc);
        }
        return acc;
    }

    private static Term nestedMaps(int depth) {
        Term acc = Atom.OK;
        for (int i = 0; i < depth; i++) {
            // the map sits in a key at every other level, in a value at the others
            acc = i % 2 == 0 ? Term.map(acc, Int.of(i)) : Term.map("k", acc);
        }
        return acc;
    }

    @Test
    void aDeepIolistDecodesEncodesComparesHashesAndPrints() {
        Term a = iolist(DEPTH, Binary.of("x"));
        Term b = iolist(DEPTH, Binary.of("x"));
        Term c = iolist(DEPTH, Binary.of("y"));
        byte[] bytes = Etf.encode(a);
        Term decoded = Etf.decode(bytes);
        assertEquals(a, decoded);
        assertEquals(a.hashCode(), decoded.hashCode());
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.compareTo(c) < 0);
        assertEquals(0, a.compareTo(b));
        String text = a.toString();
        assertTrue(text.startsWith("[".repeat(1000)), text.substring(0, 20));
        assertEquals(a, TermParser.parse(text));
        assertTrue(a.toJava() instanceof List<?>);
    }

    @Test
    void deepTuplesToo() {
        Term t = nestedTuples(DEPTH, Atom.OK);
        assertEquals(t, Etf.decode(Etf.encode(t)));
        assertEquals(t, TermParser.parse(t.toString()));
        Term u = nestedTuples(DEPTH, Atom.ERROR);
        assertTrue(u.compareTo(t) < 0); // error < ok
        Term floats = nestedTuples(DEPTH, new Float64(1.0));
        Term ints = nestedTuples(DEPTH, Int.of(1));
        // 1 == 1.0 in Erlang's order, broken in favour of the integer at the bottom of both
        assertTrue(ints.compareTo(floats) < 0);
        assertNotEquals(ints, floats);
    }

    @Test
    void aMillionDeepListDecodesAsOnTheBeam() {
        // 1 000 000 nested LIST_EXT of one element each, then [] tails: 6 MB, as in the review
        int depth = 1_000_000;
        byte[] bytes = new byte[1 + 5 * depth + 1 + depth];
        bytes[0] = (byte) 131;
        for (int i = 0; i < depth; i++) {
            bytes[1 + 5 * i] = 108;
            bytes[5 + 5 * i] = 1;
        }
        java.util.Arrays.fill(bytes, 1 + 5 * depth, bytes.length, (byte) 106);
        Term t = Etf.decode(bytes);
        int levels = 0;
        while (t instanceof TermList l && l.size() == 1) {
            t = l.get(0);
            levels++;
        }
        assertEquals(depth, levels);
        assertEquals(TermList.NIL, t);
    }

    @Test
    void deepMapsInKeysAndValues() {
        int depth = 100_000;
        Term m = nestedMaps(depth);
        Term n = nestedMaps(depth);
        assertEquals(m, n);
        assertEquals(m.hashCode(), n.hashCode());
        assertEquals(0, m.compareTo(n));
        assertEquals(m, Etf.decode(Etf.encode(m)));
        assertEquals(m, TermParser.parse(m.toString()));
    }

    @Test
    void deepJavaValuesConvertBothWays() {
        List<Object> root = new ArrayList<>();
        List<Object> at = root;
        for (int i = 0; i < DEPTH; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        at.add("bottom");
        Term t = Term.of(root);
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("deep", root);
        assertEquals(Term.map("deep", t), Term.of(map));
        Object back = t.toJava();
        int depth = 0;
        while (back instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof List<?>) {
            back = l.get(0);
            depth++;
        }
        assertEquals(DEPTH, depth);
    }

    @Test
    void nestedTailsAndDeepTextParse() {
        // [1|[2|[3|...[n]...]]] is the flat list [1..n], read without recursion
        int n = 200_000;
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < n; i++) {
            text.append('[').append(i).append('|');
        }
        text.append('[').append(n).append(']');
        text.append("]".repeat(n - 1));
        TermList l = (TermList) TermParser.parse(text.toString());
        assertEquals(n, l.size());
        assertTrue(l.isProper());
        assertEquals(Int.of(n), l.get(n - 1));
    }
}
