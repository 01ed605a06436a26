/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A small seeded generator of arbitrary terms, for property tests. */
final class RandomTerms {

    private static final String[] NODES = {"a@h", "node@example.com", "\u00e9@h", "nonode@nohost"};
    private static final String[] ATOM_PARTS = {"ok", "error", "a", "Hello", "x y", "\u00e9", "\u65e5", "\ud83d\ude00", "", "'", "\\"};

    private final SplittableRandom random;

    RandomTerms(long seed) {
        this.random = new SplittableRandom(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    Term term(int depth) {
        int kind = random.nextInt(depth <= 0 ? 9 : 14);
        return switch (kind) {
            case 0 -> atom();
            case 1 -> integer();
            case 2 -> floating();
            case 3 -> binary();
            case 4 -> bits();
            case 5 -> pid();
            case 6 -> port();
            case 7 -> ref();
            case 8 -> new ExportFun(atom(), atom(), random.nextInt(256));
            case 9 -> Tuple.of(terms(depth));
            case 10 -> random.nextInt(4) == 0
                    ? TermList.improper(nonEmpty(terms(depth)), leafNotList())
                    : random.nextBoolean() ? TermList.of(terms(depth)) : charList();
            case 11 -> map(depth);
            case 12 -> fun(depth);
            default -> TermList.of(term(depth - 1));
        };
    }

    private List<Term> nonEmpty(List<Term> terms) {
        if (terms.isEmpty()) {
            terms.add(atom());
        }
        return terms;
    }

    private Term leafNotList() {
        Term t;
        do {
            t = term(0);
        } while (t instanceof TermList);
        return t;
    }

    private List<Term> terms(int depth) {
        // a long container now and then, but only near the leaves, so terms stay small
        int n = depth <= 1 && random.nextInt(8) == 0 ? random.nextInt(300) : random.nextInt(6);
        List<Term> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(term(depth - 1));
        }
        return out;
    }

    private TermList charList() {
        int n = random.nextInt(40);
        List<Term> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Int.of(random.nextInt(random.nextBoolean() ? 256 : 0x11000)));
        }
        return TermList.of(out);
    }

    private TermMap map(int depth) {
        int n = depth <= 1 && random.nextInt(6) == 0 ? random.nextInt(80) : random.nextInt(5);
        Map<Term, Term> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(term(depth - 1), term(depth - 1));
        }
        return TermMap.of(m);
    }

    Atom atom() {
        StringBuilder s = new StringBuilder();
        int parts = random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            s.append(ATOM_PARTS[random.nextInt(ATOM_PARTS.length)]);
        }
        if (random.nextInt(50) == 0) {
            s.setLength(0);
            s.append("\u00e9".repeat(255));
        }
        return Atom.of(s.toString());
    }

    Int integer() {
        return switch (random.nextInt(6)) {
            case 0 -> Int.of(random.nextInt(256));
            case 1 -> Int.of(random.nextInt());
            case 2 -> Int.of(random.nextLong());
            case 3 -> Int.of(random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE);
            case 4 -> Int.of(new BigInteger(random.nextInt(2100) + 1, new java.util.Random(random.nextLong()))
                    .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)));
            default -> Int.of(random.nextInt(2000) - 1000);
        };
    }

    Float64 floating() {
        double d;
        do {
            d = switch (random.nextInt(4)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * 1000 - 500;
                case 2 -> random.nextBoolean() ? 0.0 : -0.0;
                default -> random.nextInt(100);
            };
        } while (!Double.isFinite(d));
        return new Float64(d);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    Binary binary() {
        return Binary.of(bytes(random.nextInt(10) == 0 ? random.nextInt(5000) : random.nextInt(20)));
    }

    BitString bits() {
        return new BitString(bytes(1 + random.nextInt(10)), 1 + random.nextInt(7));
    }

    private Atom node() {
        return Atom.of(NODES[random.nextInt(NODES.length)]);
    }

    Pid pid() {
        return new Pid(node(), random.nextInt(), random.nextInt(), random.nextInt());
    }

    Port port() {
        return new Port(node(), random.nextBoolean() ? random.nextInt(1 << 28) : random.nextLong(), random.nextInt());
    }

    Ref ref() {
        int[] ids = new int[1 + random.nextInt(5)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt();
        }
        return new Ref(node(), random.nextInt(), ids);
    }

    Fun fun(int depth) {
        return new Fun(random.nextInt(256), bytes(16), random.nextInt(), atom(),
                random.nextInt(), random.nextBoolean() ? random.nextInt() : random.nextLong(), pid(), terms(depth));
    }
}
