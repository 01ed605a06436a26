/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.IntSupplier;

/**
 * A load-tolerant cross-check of {@link TermCodecBench}: CPU time per operation of this
 * thread (not wall time), Jarl and JInterface measured in alternating short rounds, median
 * of the rounds. On a shared machine wall-clock throughput swings with other processes;
 * thread CPU time mostly does not.
 *
 * <p>{@code java -cp target/benchmarks.jar dev.jarl.bench.CpuTimeCompare [rounds]}
 */
public final class CpuTimeCompare {

    private static volatile int sink;

    private CpuTimeCompare() {
    }

    /** Runs the comparison and prints one line per message and direction. */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-9s %-7s %12s %12s %7s%n", "message", "op", "jarl ns/op", "jinterf ns/op", "ratio");
        for (String message : new String[] {"msg", "gen_call", "map100", "list1000", "bin1k", "bin1m"}) {
            TermCodecBench b = new TermCodecBench();
            b.message = message;
            b.setUp();
            IntSupplier jarlEncode = b::jarlEncode;
            IntSupplier jiEncode = b::jinterfaceEncode;
            IntSupplier jarlDecode = () -> b.jarlDecode() == null ? 0 : 1;
            IntSupplier jarlDecodeCopying = () -> b.jarlDecodeCopying() == null ? 0 : 1;
            IntSupplier jiDecode = () -> {
                try {
                    return b.jinterfaceDecode() == null ? 0 : 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            report(mx, message, "encode", jarlEncode, jiEncode, rounds);
            report(mx, message, "decode", jarlDecode, jiDecode, rounds);
            report(mx, message, "decodeC", jarlDecodeCopying, jiDecode, rounds);
        }
    }

    private static void report(ThreadMXBean mx, String message, String op, IntSupplier jarl, IntSupplier ji, int rounds) {
        int n = calibrate(mx, ji);
        for (int w = 0; w < 3; w++) {
            round(mx, jarl, n);
            round(mx, ji, n);
        }
        double[] a = new double[rounds];
        double[] b = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            a[r] = round(mx, jarl, n);
            b[r] = round(mx, ji, n);
        }
        Arrays.sort(a);
        Arrays.sort(b);
        double ja = a[rounds / 2];
        double jb = b[rounds / 2];
        System.out.printf("%-9s %-7s %12.1f %12.1f %7.2f%n", message, op, ja, jb, jb / ja);
    }

    /** Operations for about 50 ms of CPU. */
    private static int calibrate(ThreadMXBean mx, IntSupplier op) {
        int n = 1;
        while (true) {
            long t = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += op.getAsInt();
            }
            if (mx.getCurrentThreadCpuTime() - t > 50_000_000L || n > (1 << 26)) {
                return n;
            }
            n *= 2;
        }
    }

    private static double round(ThreadMXBean mx, IntSupplier op, int n) {
        long t = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            sink += op.getAsInt();
        }
        return (mx.getCurrentThreadCpuTime() - t) / (double) n;
    }
}
