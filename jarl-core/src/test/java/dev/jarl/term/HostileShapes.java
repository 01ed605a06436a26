/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.io.ByteArrayOutputStream;

/**
 * Hostile shapes of the external term format (review finding 7) and their plain twins, each
 * with the version byte, for {@code LinearDecodingTest} (work counted) and jarl-bench's
 * {@code HostileShapesCompare} (time measured).
 */
public final class HostileShapes {

    private HostileShapes() {
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
    public static byte[] collidingIntegerKeys(int n) {
        return intKeys(n, x -> (x << 32) | x, false);
    }

    public static byte[] collidingIntegerKeysWithRepeat(int n) {
        return intKeys(n, x -> (x << 32) | x, true);
    }

    /** The plain twin: as many keys, the same bytes each, distinct hash codes. */
    public static byte[] distinctIntegerKeys(int n) {
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

    private static byte[] textKeys(int n, int tag, boolean collide) {
        int k = 32 - Integer.numberOfLeadingZeros(n - 1);
        ByteArrayOutputStream out = start();
        out.write(116);
        u32(out, n);
        long[] xs = shuffled(n);
        for (int i = 0; i < n; i++) {
            byte[] t = collide ? collidingText((int) xs[i] - 1, k)
                    : String.format("%0" + 2 * k + "d", xs[i]).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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

    public static byte[] collidingAtomKeys(int n) {
        return textKeys(n, 119, true);
    }

    /** The plain twin: as many atom keys of the same length, with distinct hash codes. */
    public static byte[] distinctAtomKeys(int n) {
        return textKeys(n, 119, false);
    }

    public static byte[] collidingBinaryKeys(int n) {
        return textKeys(n, 109, true);
    }

    /** The plain twin: as many binary keys of the same length, with distinct hash codes. */
    public static byte[] distinctBinaryKeys(int n) {
        return textKeys(n, 109, false);
    }

    /** A flat map of n integer keys (INTEGER_EXT) to small integers: the twin of the deep maps. */
    public static byte[] flatMap(int n) {
        ByteArrayOutputStream out = start();
        out.write(116);
        u32(out, n);
        for (int i = 0; i < n; i++) {
            out.write(98);
            u32(out, i);
            out.write(97);
            out.write(i);
        }
        return out.toByteArray();
    }

    /** A list of n elements written by {@code element}, ending in {@code tail}. */
    private static byte[] list(int n, java.util.function.ObjIntConsumer<ByteArrayOutputStream> element, byte[] tail) {
        ByteArrayOutputStream out = start();
        out.write(108);
        u32(out, n);
        for (int i = 0; i < n; i++) {
            element.accept(out, i);
        }
        out.writeBytes(tail);
        return out.toByteArray();
    }

    private static void smallInt(ByteArrayOutputStream out, int i) {
        out.write(97);
        out.write(i);
    }

    /** A list of n small integers. */
    public static byte[] flatList(int n) {
        return list(n, HostileShapes::smallInt, new byte[] {106});
    }

    /** The same list, as nested tails of {@code per} elements: {@code [1,2|[3,4|[...]]]}. */
    public static byte[] nestedTails(int n, int per) {
        ByteArrayOutputStream out = start();
        int i = 0;
        while (i < n) {
            int m = Math.min(per, n - i);
            out.write(108);
            u32(out, m);
            for (int k = 0; k < m; k++, i++) {
                smallInt(out, i);
            }
        }
        out.write(106);
        return out.toByteArray();
    }

    /** {@code [0,1,...|ok]}. */
    public static byte[] improperList(int n) {
        return list(n, HostileShapes::smallInt, new byte[] {119, 2, 'o', 'k'});
    }

    /** A list of n one-byte binaries. */
    public static byte[] smallBinaries(int n) {
        return list(n, (out, i) -> {
            out.write(109);
            u32(out, 1);
            out.write(i);
        }, new byte[] {106});
    }

    /** {@code #{0 => #{0 => ... #{} }}}, n deep. */
    public static byte[] mapsInValues(int n) {
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
    public static byte[] mapsInKeys(int n) {
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
    public static byte[] mapsOfMapKeys(int n) {
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
