/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Every shape of input decodes with work linear in its size, counted without a clock: the
 * decoder's work counter adds the elements it copies, the map index's probes and the key
 * comparisons (pairs of terms compared), and each test adds the input's bytes. Doubling the
 * input may at most double the work, with 10% to spare (a sort's n log n fits in it for the
 * sizes used here; a quadratic path doubles it again).
 *
 * <p>The shapes are those of the security review (finding 7) and their kin: map keys whose
 * Java hash codes are all equal (integers, atoms, binaries; terms hash under a per-process
 * seed, so these no longer collide, and the sorted index a map falls back to when probing
 * goes over budget is guarded on its own), lists encoded as nested tails,
 * long improper lists, many small binaries, maps nested in keys and values.
 * {@link HostileShapes} builds them; jarl-bench's {@code HostileShapesCompare} times the same
 * bytes beside their plain twins.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
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
        linear("colliding integer keys", HostileShapes::collidingIntegerKeys, 1 << 15);
        linear("distinct integer keys", HostileShapes::distinctIntegerKeys, 1 << 15);
    }

    @Test
    void mapsWhoseAtomAndBinaryKeysCollide() {
        linear("colliding atom keys", HostileShapes::collidingAtomKeys, 1 << 14);
        linear("colliding binary keys", HostileShapes::collidingBinaryKeys, 1 << 14);
    }

    /** The sorted index a map falls back to when its hash index probes too much, at n and 2n. */
    @Test
    void theSortedIndexOfMapsIsNLogN() {
        for (int n : new int[] {1 << 14}) {
            long small = sortWork(n);
            long large = sortWork(2 * n);
            double ratio = (double) large / small;
            assertTrue(ratio <= 2.2, "sorted index: work " + small + " at n=" + n + ", " + large + " at 2n (x"
                    + String.format("%.2f", ratio) + ")");
        }
        // and it finds every key, and refuses a repeated one
        TermMap m = sortedMap(Etf.decode(HostileShapes.collidingIntegerKeys(3000)));
        for (long x = 1; x <= 3000; x++) {
            assertEquals(Int.of(x & 0xFF), m.get(Int.of((x << 32) | x)));
        }
        assertEquals(null, m.get(Int.of(7)));
        TermMap twice = (TermMap) Etf.decode(HostileShapes.collidingIntegerKeys(10));
        Term[] keys = twice.keyArray().clone();
        keys[9] = keys[3];
        assertEquals(null, TermMap.buildOrNull(keys, twice.valueArray().clone(), new int[1], null, true));
    }

    private static TermMap sortedMap(Term decoded) {
        TermMap m = (TermMap) decoded;
        return TermMap.buildOrNull(m.keyArray().clone(), m.valueArray().clone(), new int[1], null, true);
    }

    private static long sortWork(int n) {
        TermMap m = (TermMap) Etf.decode(HostileShapes.collidingIntegerKeys(n));
        long[] work = new long[1];
        TermMap.buildOrNull(m.keyArray().clone(), m.valueArray().clone(), new int[1], work, true);
        return work[0];
    }

    @Test
    void collidingKeysStillDecodeToTheRightMap() {
        TermMap m = (TermMap) Etf.decode(HostileShapes.collidingIntegerKeys(5000));
        assertEquals(5000, m.size());
        for (long x = 1; x <= 5000; x++) {
            assertEquals(Int.of(x & 0xFF), m.get(Int.of((x << 32) | x)));
        }
        assertEquals(null, m.get(Int.of(0)));
        assertEquals(m, Etf.decode(Etf.encode(m)));
        // a repeated key among colliding ones is still refused
        byte[] twice = HostileShapes.collidingIntegerKeysWithRepeat(5000);
        TermDecodeException e = org.junit.jupiter.api.Assertions.assertThrows(TermDecodeException.class,
                () -> Etf.decode(twice));
        assertTrue(e.getMessage().startsWith("map key: "), e.getMessage());
    }

    @Test
    void listsAsNestedTails() {
        linear("nested tails of 4", n -> HostileShapes.nestedTails(n, 4), 1 << 16);
        linear("nested tails of 1000", n -> HostileShapes.nestedTails(n, 1000), 1 << 18);
        Term flat = Etf.decode(HostileShapes.flatList(10_000));
        assertEquals(flat, Etf.decode(HostileShapes.nestedTails(10_000, 7)));
    }

    @Test
    void longImproperListsManyBinariesAndDeepMaps() {
        linear("improper list", HostileShapes::improperList, 1 << 17);
        linear("small binaries", HostileShapes::smallBinaries, 1 << 16);
        linear("maps nested in values", HostileShapes::mapsInValues, 1 << 15);
        linear("maps nested in keys", HostileShapes::mapsInKeys, 1 << 15);
        linear("wide maps of maps as keys", HostileShapes::mapsOfMapKeys, 1 << 12);
    }
}
