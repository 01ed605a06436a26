/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link Growth} measures: the points of each sweep with their counts, the same for
 * Jarl and the BEAM.
 *
 * @param name  "full" or "quick"
 * @param warmMessages   small messages to the sink before the sweeps, untimed (as the
 *                       side-by-side benchmark's warm-up), on each side
 * @param warmRoundTrips round trips through echo before the sweeps, untimed
 * @param sizes size points: x is bytes per message
 * @param peers peer points: x is the number of peers
 * @param procs process points: x is the number of sending processes
 */
public record Plan(String name, int warmMessages, int warmRoundTrips, List<Step> sizes, List<Step> peers, List<Step> procs) {

    /**
     * One point's work.
     *
     * @param x          the swept value
     * @param messages   messages sent in all (split evenly over the senders, at least one each)
     * @param roundTrips round trips in all (likewise)
     */
    public record Step(long x, int messages, int roundTrips) {
    }

    /** 16 B to 64 MiB, 1 to 64 peers, 1 to 100 000 processes. */
    public static Plan full() {
        return new Plan("full", 100_000, 5_000,
                sizes(new long[] {16, 256, 4096, 65_536, 1 << 20, 16 << 20, 64 << 20}, 512L << 20, 200_000, 128L << 20, 5_000),
                fixed(new long[] {1, 2, 4, 8, 16, 32, 64}, 200_000, 5_000),
                fixed(new long[] {1, 10, 100, 1_000, 10_000, 100_000}, 200_000, 5_000));
    }

    /** A few points with small counts: a smoke test of the whole run. */
    public static Plan quick() {
        return new Plan("quick", 20_000, 500,
                sizes(new long[] {16, 65_536, 1 << 20}, 16L << 20, 20_000, 4L << 20, 200),
                fixed(new long[] {1, 4}, 20_000, 400),
                fixed(new long[] {1, 100, 10_000}, 20_000, 400));
    }

    /**
     * This plan with only the sweeps in {@code keep} (the others empty), named for what it
     * keeps: for measuring or profiling one sweep alone. The warm-up stays.
     */
    public Plan only(java.util.Set<Sweep> keep) {
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("--only needs at least one sweep");
        }
        String kept = keep.stream().sorted().map(Sweep::key).collect(Collectors.joining(","));
        return new Plan(name + " (only " + kept + ")", warmMessages, warmRoundTrips,
                keep.contains(Sweep.SIZE) ? sizes : List.of(),
                keep.contains(Sweep.PEERS) ? peers : List.of(),
                keep.contains(Sweep.PROCS) ? procs : List.of());
    }

    /**
     * This plan with only the points whose swept value is in {@code xs}, in every sweep it
     * runs (a sweep with none of them runs no point), named for what it keeps: for measuring
     * or profiling one point alone, for example {@code --only procs --points 100000}. The
     * warm-up stays.
     */
    public Plan points(java.util.Set<Long> xs) {
        if (xs.isEmpty()) {
            throw new IllegalArgumentException("--points needs at least one value");
        }
        Plan kept = new Plan(name + " (points " + xs.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")) + ")",
                warmMessages, warmRoundTrips, keep(sizes, xs), keep(peers, xs), keep(procs, xs));
        if (kept.sizes.isEmpty() && kept.peers.isEmpty() && kept.procs.isEmpty()) {
            throw new IllegalArgumentException("--points " + xs + ": no point of " + name + " has that value");
        }
        return kept;
    }

    private static List<Step> keep(List<Step> steps, java.util.Set<Long> xs) {
        return steps.stream().filter(s -> xs.contains(s.x())).toList();
    }

    /** Messages per size: {@code budget / size} between 3 and {@code max}; round trips likewise. */
    private static List<Step> sizes(long[] sizes, long budget, int max, long rttBudget, int maxRtt) {
        List<Step> steps = new ArrayList<>();
        for (long s : sizes) {
            steps.add(new Step(s, (int) Math.max(3, Math.min(max, budget / s)),
                    (int) Math.max(3, Math.min(maxRtt, rttBudget / s))));
        }
        return steps;
    }

    private static List<Step> fixed(long[] xs, int messages, int roundTrips) {
        List<Step> steps = new ArrayList<>();
        for (long x : xs) {
            steps.add(new Step(x, messages, roundTrips));
        }
        return steps;
    }

    /** Each sender's share: {@code max(1, total / senders)}. */
    public static int share(int total, long senders) {
        return (int) Math.max(1, total / senders);
    }

    /** The plan as the Erlang term growth:main/2 takes (without the code directory). */
    String toErlang(String codeDir) {
        return "[{warm,{" + warmMessages + "," + warmRoundTrips + "}},{sizes," + erl(sizes) + "},{peers," + erl(peers) + "},{procs," + erl(procs) + "},{dir,\""
                + codeDir.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]";
    }

    private static String erl(List<Step> steps) {
        return steps.stream().map(s -> "{" + s.x + "," + s.messages + "," + s.roundTrips + "}")
                .collect(Collectors.joining(",", "[", "]"));
    }
}
