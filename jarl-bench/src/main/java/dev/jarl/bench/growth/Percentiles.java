/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.util.Arrays;

/** Nearest-rank percentiles, as growth.erl computes them: the value at rank {@code ceil(q n)}, at least 1. */
final class Percentiles {

    private Percentiles() {
    }

    /** The {@code q} percentile (0 &lt; q &le; 1) of {@code values}, in their unit; -1 when there are none. */
    static double of(long[] values, double q) {
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }
}
