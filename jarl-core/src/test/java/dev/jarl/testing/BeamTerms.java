/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.BitString;
import dev.jarl.term.ExportFun;
import dev.jarl.term.Float64;
import dev.jarl.term.Fun;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Port;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;

/**
 * A seeded generator of random terms for differential tests against the BEAM: every term
 * type, wide and deep containers, edge-case numbers (0.0 and -0.0, subnormals, the extremes,
 * bignums of thousands of bits), unicode atoms up to 255 characters, bit strings, local and
 * export funs, pids, ports and references of other nodes. The same seed gives the same term,
 * so a failure is reproduced from its seed alone.
 *
 * <p>{@link #anyShape(long)} also makes what the BEAM would not take as it is: references of
 * 1 and 2 words, and funs whose fields agree with no other fun of their module (for Jarl's own
 * round-trip and order tests).
 */
public final class BeamTerms {

    private static final String[] NODES = {"other@host", "n\u00f6de@example.com", "a@b", "remote@10.0.0.1"};
    private static final String[] ATOM_PARTS = {"ok", "error", "Hello", "x y", "\u00e9", "\u65e5\u672c", "\ud83d\ude00",
        "'", "\\", "\n", "_", "@", "true", "undefined"};

    private static final Pid NO_CREATOR = new Pid(Atom.of("nonode@nohost"), 0, 0, 0);

    private final SplittableRandom random;
    private final boolean anyShape;

    /** A generator for {@code seed} of terms the BEAM takes. */
    public BeamTerms(long seed) {
        this(seed, false);
    }

    private BeamTerms(long seed, boolean anyShape) {
        this.random = new SplittableRandom(seed);
        this.anyShape = anyShape;
    }

    /** A generator for {@code seed} that also makes legacy references and free-form funs. */
    public static BeamTerms anyShape(long seed) {
        return new BeamTerms(seed, true);
    }

    /** A random int in {@code [0, bound)} from this generator's sequence. */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** The term for {@code seed}: mostly small, now and then wide or deep. */
    public static Term forSeed(long seed) {
        BeamTerms g = new BeamTerms(seed);
        int roll = g.random.nextInt(100);
        if (roll < 2) {
            return g.deep(1 + g.random.nextInt(3000));
        }
        return g.term(roll < 10 ? 6 : 4);
    }

    /** A random term nested at most {@code depth} levels. */
    public Term term(int depth) {
        int kind = random.nextInt(depth <= 0 ? 10 : 16);
        return switch (kind) {
            case 0 -> atom();
            case 1, 2 -> integer();
            case 3 -> floating();
            case 4 -> binary();
            case 5 -> bits();
            case 6 -> pid();
            case 7 -> port();
            case 8 -> ref();
            case 9 -> new ExportFun(atom(), atom(), random.nextInt(256));
            case 10 -> Tuple.of(terms(depth));
            case 11 -> random.nextInt(4) == 0 ? TermList.improper(nonEmpty(terms(depth)), leafNotList()) : TermList.of(terms(depth));
            case 12 -> charList();
            case 13 -> map(depth);
            case 14 -> fun(depth);
            default -> TermList.of(term(depth - 1));
        };
    }

    /** A deep shape: nested tuples, lists, maps or a left-nested iolist, {@code depth} levels. */
    public Term deep(int depth) {
        Term acc = term(0);
        int shape = random.nextInt(4);
        for (int i = 0; i < depth; i++) {
            acc = switch (shape) {
                case 0 -> Tuple.of(acc);
                case 1 -> TermList.of(acc, Int.of(i & 0xFF));
                case 2 -> TermMap.of(Map.of(Int.of(i), acc));
                default -> TermList.of(acc);
            };
        }
        return acc;
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
        int n = depth <= 1 && random.nextInt(10) == 0 ? random.nextInt(400) : random.nextInt(6);
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
        // now and then more than 32 keys: the BEAM's hash-array-mapped form
        int n = depth <= 1 && random.nextInt(6) == 0 ? random.nextInt(120) : random.nextInt(6);
        Map<Term, Term> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Term key = term(depth - 1);
            if (!(key instanceof Float64 f && f.value() == 0.0)) {
                // 0.0 and -0.0 are one key before OTP 27 and two from it on: kept out of keys
                m.put(key, term(depth - 1));
            }
        }
        return TermMap.of(m);
    }

    /** An atom: unicode, quoted characters, now and then 255 characters. */
    public Atom atom() {
        if (random.nextInt(40) == 0) {
            return Atom.of((random.nextBoolean() ? "\u00e9" : "\u65e5").repeat(255));
        }
        StringBuilder s = new StringBuilder();
        int parts = random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            s.append(ATOM_PARTS[random.nextInt(ATOM_PARTS.length)]);
        }
        return Atom.of(s.toString());
    }

    /** An integer: small, 32-bit, 64-bit edges, bignums. */
    public Int integer() {
        return switch (random.nextInt(8)) {
            case 0 -> Int.of(random.nextInt(256));
            case 1 -> Int.of(random.nextInt());
            case 2 -> Int.of(random.nextLong());
            case 3 -> Int.of(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE,
                (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE - 1, -1, 0, 255, 256}[random.nextInt(10)]);
            case 4 -> Int.of(BigInteger.ONE.shiftLeft(random.nextInt(200)).add(BigInteger.valueOf(random.nextInt(3) - 1))
                    .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)));
            case 5 -> Int.of(new BigInteger(1 + random.nextInt(random.nextInt(20) == 0 ? 5000 : 300),
                    new java.util.Random(random.nextLong())).multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)));
            default -> Int.of(random.nextInt(2000) - 1000);
        };
    }

    /** A finite float, with the edge cases often. */
    public Float64 floating() {
        double d;
        do {
            d = switch (random.nextInt(6)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * 1000 - 500;
                case 2 -> random.nextBoolean() ? 0.0 : -0.0;
                case 3 -> new double[] {Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
                    Double.MIN_NORMAL, 1.0, -1.0, 0.1, 1e-300, 1e300}[random.nextInt(10)];
                case 4 -> Double.longBitsToDouble(random.nextLong() & 0x000F_FFFF_FFFF_FFFFL); // subnormal
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

    /** A binary, now and then large enough to be fragmented or sent by reference. */
    public Binary binary() {
        int n = switch (random.nextInt(300)) {
            case 0 -> 60_000 + random.nextInt(20_000);
            case 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 -> random.nextInt(5000);
            default -> random.nextInt(20);
        };
        return Binary.of(bytes(n));
    }

    /** A bit string of 1 to 7 bits past whole bytes. */
    public BitString bits() {
        return new BitString(bytes(1 + random.nextInt(10)), 1 + random.nextInt(7));
    }

    private Atom node() {
        return Atom.of(NODES[random.nextInt(NODES.length)]);
    }

    private int creation() {
        return random.nextBoolean() ? 1 + random.nextInt(3) : random.nextInt();
    }

    /** A pid of another node (ids within what the BEAM keeps: 28 and 15 bits on the wire since OTP 23 are 32). */
    public Pid pid() {
        return new Pid(node(), random.nextInt(), random.nextInt(), creation());
    }

    /** A port of another node, with 64-bit ids now and then. */
    public Port port() {
        return new Port(node(), random.nextBoolean() ? random.nextInt(1 << 28) : random.nextLong() >>> 1, creation());
    }

    /**
     * A reference of another node, 3 to 5 words, as releases from 25 on make them. (Shorter,
     * legacy ones are left out: OTP 25 builds a 1-word reference that arrives over the
     * distribution differently from the same bytes given to {@code binary_to_term}, so a map
     * keyed by one fails {@code maps:is_key/2} for the other; Jarl's raw tests cover them.)
     */
    public Ref ref() {
        int[] ids = new int[anyShape ? 1 + random.nextInt(5) : 3 + random.nextInt(3)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt();
        }
        if (ids.length == 3 || ids.length == 1) {
            ids[0] &= 0x3FFFF; // the first word of a 1- or 3-word reference holds 18 bits
        }
        return new Ref(node(), creation(), ids);
    }

    /**
     * A local fun of a module that need not exist, with free variables. The BEAM keeps one
     * entry per fun of a module, as real code has: arity, uniq and the old index and uniq are
     * made from the module and index, so two funs that share them agree on the rest.
     */
    public Fun fun(int depth) {
        if (anyShape) {
            return new Fun(random.nextInt(256), bytes(16), random.nextInt(), atom(), random.nextInt(),
                    random.nextBoolean() ? random.nextInt() : random.nextLong(), pid(), terms(depth));
        }
        Atom module = atom();
        int index = random.nextInt(1 << 12);
        SplittableRandom code = new SplittableRandom(module.name().hashCode() * 31L + index);
        byte[] uniq = new byte[16];
        for (int i = 0; i < 16; i++) {
            uniq[i] = (byte) code.nextInt(256);
        }
        List<Term> free = terms(depth);
        // the BEAM takes at most 255 free variables (MAX_ARG); since OTP 26 it keeps no creator
        // pid in a fun (term_to_binary writes one of its own node), so none is made up here
        return new Fun(code.nextInt(256), uniq, index, module, index, code.nextInt(1 << 27), NO_CREATOR,
                free.subList(0, Math.min(255, free.size())));
    }
}
