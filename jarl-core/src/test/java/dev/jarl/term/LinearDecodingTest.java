/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Every shape of input decodes with work linear in its size, counted without a clock: the
 * decoder's work counter adds the elements it copies, the map index's probes and the key
 * comparisons (pairs of terms compared), and each test adds the input's bytes. Doubling the
 * input may at most double the work, with 10% to spare (a sort's n log n fits in it for the
 * sizes used here; a quadratic path doubles it again).
 *
 * <p>The shapes are those of the security review (finding 7) and their kin: map keys whose
 * Java hash codes are all equal (integers, atoms, binaries), lists encoded as nested tails,
 * long improper lists, many small binaries, maps nested in keys and values. {@link Shapes}
 * builds them; jarl-bench's {@code HostileShapesBench} times the same bytes.
 */
class LinearDecodingTest {

    private static long work(byte[] bytes) {
        long[] counter = new long[1];
        TermReader r = new TermReader(bytes, 0, bytes.length);
        r.countWork(counter);
        r.readVersion();
        Term t = r.read();
        assertEquals(0, r.remaining());
        assertTrue(t != null);
        return counter[0] + bytes.length;
    }

    private static void linear(String shape, IntFunction<byte[]> make, int n) {
        long small = work(make.apply(n));
        long large = work(make.apply(2 * n));
        double ratio = (double) large / small;
        assertTrue(ratio <= 2.2, shape + ": work " + small + " at n=" + n + ", " + large + " at n=" + 2 * n
                + " (x" + String.format("%.2f", ratio) + ", expected: at most x2.2)");
    }

    @Test
    void mapsWhoseIntegerKeysCollide() {
        linear("colliding integer keys", Shapes::collidingIntegerKeys, 1 << 15);
        linear("distinct integer keys", Shapes::distinctIntegerKeys, 1 << 15);
    }

    @Test
    void mapsWhoseAtomAndBinaryKeysCollide() {
        linear("colliding atom keys", Shapes::collidingAtomKeys, 1 << 14);
        linear("colliding binary keys", Shapes::collidingBinaryKeys, 1 << 14);
    }

    @Test
    void collidingKeysStillDecodeToTheRightMap() {
        TermMap m = (TermMap) Etf.decode(Shapes.collidingIntegerKeys(5000));
        assertEquals(5000, m.size());
        for (long x = 1; x <= 5000; x++) {
            assertEquals(Int.of(x & 0xFF), m.get(Int.of((x << 32) | x)));
        }
        assertEquals(null, m.get(Int.of(0)));
        assertEquals(m, Etf.decode(Etf.encode(m)));
        // a repeated key among colliding ones is still refused
        byte[] twice = Shapes.collidingIntegerKeysWithRepeat(5000);
        TermDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(TermDecodeException.class,
                () -> Etf.decode(twice));
        assertTrue(e.getMessage().startsWith("map key: "), e.getMessage());
    }

    @Test
    void listsAsNestedTails() {
        linear("nested tails of 4", n -> Shapes.nestedTails(n, 4), 1 << 16);
        linear("nested tails of 1000", n -> Shapes.nestedTails(n, 1000), 1 << 18);
        Term flat = Etf.decode(Shapes.flatList(10_000));
        assertEquals(flat, Etf.decode(Shapes.nestedTails(10_000, 7)));
    }

    @Test
    void longImproperListsManyBinariesAndDeepMaps() {
        linear("improper list", Shapes::improperList, 1 << 17);
        linear("small binaries", Shapes::smallBinaries, 1 << 16);
        linear("maps nested in values", Shapes::mapsInValues, 1 << 15);
        linear("maps nested in keys", Shapes::mapsInKeys, 1 << 15);
        linear("wide maps of maps as keys", Shapes::mapsOfMapKeys, 1 << 12);
    }

    /** The shapes, as external term format with the version byte. */
    static final class Shapes {

        private Shapes() {
        }

        private static ByteArrayOutputStream start() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(131);
            return out;
        }

        private static void u32(ByteArrayOutputStream out, long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
        }

        /** SMALL_BIG_EXT of 8 bytes: the same size for every value. */
        private static void big8(ByteArrayOutputStream out, long v) {
            out.write(110);
            out.write(8);
            out.write(0);
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> (8 * i)));
            }
        }

        /** 1..n in an order fixed by a seed, so a sort does its average work. */
        private static long[] shuffled(int n) {
            long[] xs = new long[n];
            for (int i = 0; i < n; i++) {
                xs[i] = i + 1;
            }
            java.util.SplittableRandom r = new java.util.SplittableRandom(18);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                long t = xs[i];
                xs[i] = xs[j];
                xs[j] = t;
            }
            return xs;
        }

        private static byte[] intKeys(int n, java.util.function.LongUnaryOperator key, boolean repeat) {
            ByteArrayOutputStream out = start();
            out.write(116);
            u32(out, n);
            long[] xs = shuffled(n);
            for (int i = 0; i < n; i++) {
                big8(out, key.applyAsLong(repeat && i == n - 1 ? xs[0] : xs[i]));
                out.write(97);
                out.write((int) xs[i]);
            }
            return out.toByteArray();
        }

        /** Keys {@code (x << 32) | x}: {@code Long.hashCode} is 0 for all of them. */
        static byte[] collidingIntegerKeys(int n) {
            return intKeys(n, x -> (x << 32) | x, false);
        }

        static byte[] collidingIntegerKeysWithRepeat(int n) {
            return intKeys(n, x -> (x << 32) | x, true);
        }

        /** The plain twin: as many keys, the same bytes each, distinct hash codes. */
        static byte[] distinctIntegerKeys(int n) {
            return intKeys(n, x -> x | (1L << 40), false);
        }

        /** Text of k blocks, each "Aa" or "BB" (equal String and byte hash codes): 2^k texts, one hash. */
        private static byte[] collidingText(int i, int k) {
            byte[] t = new byte[2 * k];
            for (int b = 0; b < k; b++) {
                boolean aa = (i >>> b & 1) == 0;
                t[2 * b] = (byte) (aa ? 'A' : 'B');
                t[2 * b + 1] = (byte) (aa ? 'a' : 'B');
            }
            return t;
        }

        private static byte[] textKeys(int n, int tag) {
            int k = 32 - Integer.numberOfLeadingZeros(n - 1);
            ByteArrayOutputStream out = start();
            out.write(116);
            u32(out, n);
            long[] xs = shuffled(n);
            for (int i = 0; i < n; i++) {
                byte[] t = collidingText((int) xs[i] - 1, k);
                out.write(tag);
                if (tag == 119) {
                    out.write(t.length);
                } else {
                    u32(out, t.length);
                }
                out.writeBytes(t);
                out.write(106);
            }
            return out.toByteArray();
        }

        static byte[] collidingAtomKeys(int n) {
            return textKeys(n, 119);
        }

        static byte[] collidingBinaryKeys(int n) {
            return textKeys(n, 109);
        }

        /** A list of n small integers. */
        static byte[] flatList(int n) {
            ByteArrayOutputStream out = start();
            out.write(108);
            u32(out, n);
            for (int i = 0; i < n; i++) {
                out.write(97);
                out.write(i);
            }
            out.write(106);
            return out.toByteArray();
        }

        /** The same list, as nested tails of {@code per} elements: {@code [1,2|[3,4|[...]]]}. */
        static byte[] nestedTails(int n, int per) {
            ByteArrayOutputStream out = start();
            int i = 0;
            while (i < n) {
                int m = Math.min(per, n - i);
                out.write(108);
                u32(out, m);
                for (int k = 0; k < m; k++, i++) {
                    out.write(97);
                    out.write(i);
                }
            }
            out.write(106);
            return out.toByteArray();
        }

        /** {@code [0,1,...|ok]}. */
        static byte[] improperList(int n) {
            ByteArrayOutputStream out = start();
            out.write(108);
            u32(out, n);
            for (int i = 0; i < n; i++) {
                out.write(97);
                out.write(i);
            }
            out.write(119);
            out.write(2);
            out.writeBytes(new byte[] {'o', 'k'});
            return out.toByteArray();
        }

        /** A list of n one-byte binaries. */
        static byte[] smallBinaries(int n) {
            ByteArrayOutputStream out = start();
            out.write(108);
            u32(out, n);
            for (int i = 0; i < n; i++) {
                out.write(109);
                u32(out, 1);
                out.write(i);
            }
            out.write(106);
            return out.toByteArray();
        }

        /** {@code #{0 => #{0 => ... #{} }}}, n deep. */
        static byte[] mapsInValues(int n) {
            ByteArrayOutputStream out = start();
            for (int i = 0; i < n; i++) {
                out.write(116);
                u32(out, 1);
                out.write(97);
                out.write(i);
            }
            out.write(116);
            u32(out, 0);
            return out.toByteArray();
        }

        /** {@code #{#{ ... #{} => 0 ...} => 0}}, n deep. */
        static byte[] mapsInKeys(int n) {
            ByteArrayOutputStream out = start();
            for (int i = 0; i < n; i++) {
                out.write(116);
                u32(out, 1);
            }
            out.write(116);
            u32(out, 0);
            for (int i = 0; i < n; i++) {
                out.write(97);
                out.write(i);
            }
            return out.toByteArray();
        }

        /** A map of n keys, each a map of 9 colliding integer keys: hashing and sorting maps as keys. */
        static byte[] mapsOfMapKeys(int n) {
            ByteArrayOutputStream out = start();
            out.write(116);
            u32(out, n);
            for (int i = 0; i < n; i++) {
                out.write(116);
                u32(out, 9);
                for (long k = 1; k <= 9; k++) {
                    long x = k + 16L * i;
                    big8(out, (x << 32) | x);
                    out.write(97);
                    out.write((int) k);
                }
                out.write(97);
                out.write(i);
            }
            return out.toByteArray();
        }
    }
}
