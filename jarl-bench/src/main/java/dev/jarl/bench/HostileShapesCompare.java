/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.Supplier;

import dev.jarl.term.HostileShapes;
import dev.jarl.term.Term;
import dev.jarl.term.TermReader;

/**
 * Decode time of each hostile input shape of the security review (finding 7 and its kin)
 * beside its plain twin of about the same encoded size: a flat list of small integers, or
 * for maps a map with as many distinct keys. Prints, per shape, both sizes, the median CPU
 * time per decode of this thread over alternating rounds, and the ratio (the issue asks for
 * at most 3).
 *
 * <p>{@code java -cp target/benchmarks.jar dev.jarl.bench.HostileShapesCompare [rounds] [scale]}
 * (scale 1 is the review's sizes: 150 000 colliding keys, 4 000 000 elements in 999 tails).
 */
public final class HostileShapesCompare {

    private static volatile Object sink;

    private HostileShapesCompare() {
    }

    private record Pair(String name, byte[] hostile, byte[] twin) {
    }

    /** Runs every shape and prints the table. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int keys = (int) (150_000 * scale);
        int elements = (int) (4_000_000 * scale);
        int deep = (int) (200_000 * scale);
        Pair[] pairs = {
            new Pair("map, integer keys of one hash", HostileShapes.collidingIntegerKeys(keys),
                    HostileShapes.distinctIntegerKeys(keys)),
            new Pair("map, atom keys of one hash", HostileShapes.collidingAtomKeys(keys),
                    HostileShapes.distinctAtomKeys(keys)),
            new Pair("map, binary keys of one hash", HostileShapes.collidingBinaryKeys(keys),
                    HostileShapes.distinctBinaryKeys(keys)),
            new Pair("list as 999 nested tails", HostileShapes.nestedTails(elements, elements / 999 + 1),
                    HostileShapes.flatList(elements)),
            new Pair("list as nested tails of 2", HostileShapes.nestedTails(elements / 4, 2),
                    HostileShapes.flatList(elements / 4 * 14 / 10)),
            new Pair("long improper list", HostileShapes.improperList(elements), HostileShapes.flatList(elements)),
            new Pair("many one-byte binaries", HostileShapes.smallBinaries(elements / 4),
                    HostileShapes.flatList(elements / 4 * 6 / 2)),
            new Pair("maps nested in values", HostileShapes.mapsInValues(deep), HostileShapes.flatMap(deep)),
            new Pair("maps nested in keys", HostileShapes.mapsInKeys(deep), HostileShapes.flatMap(deep)),
        };
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-32s %11s %11s %12s %12s %7s%n", "shape", "bytes", "twin bytes", "hostile ms", "twin ms",
                "ratio");
        for (Pair p : pairs) {
            Supplier<Term> hostile = () -> decode(p.hostile());
            Supplier<Term> twin = () -> decode(p.twin());
            for (int w = 0; w < 2; w++) {
                time(mx, hostile);
                time(mx, twin);
            }
            double[] h = new double[rounds];
            double[] t = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                h[r] = time(mx, hostile);
                t[r] = time(mx, twin);
            }
            double hm = median(h);
            double tm = median(t);
            System.out.printf("%-32s %11d %11d %12.1f %12.1f %7.2f%n", p.name(), p.hostile().length, p.twin().length,
                    hm, tm, hm / tm);
        }
    }

    private static Term decode(byte[] bytes) {
        TermReader r = new TermReader(bytes, 0, bytes.length);
        r.readVersion();
        return r.read();
    }

    private static double time(ThreadMXBean mx, Supplier<Term> op) {
        long start = mx.getCurrentThreadCpuTime();
        sink = op.get();
        return (mx.getCurrentThreadCpuTime() - start) / 1e6;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
