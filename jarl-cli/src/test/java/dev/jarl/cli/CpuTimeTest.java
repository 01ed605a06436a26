/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void perUnitArithmetic() {
        // 1.5 s of CPU for 500 000 messages is 3 s per million
        assertEquals(3.0, CpuTime.secondsPer(1_500_000_000L, 500_000, 1_000_000), 1e-12);
        // 0.25 s for 50 000 round trips is 5 ms per thousand
        assertEquals(0.005, CpuTime.secondsPer(250_000_000L, 50_000, 1_000), 1e-12);
        assertTrue(Double.isNaN(CpuTime.secondsPer(-1, 10, 1)));
        assertTrue(Double.isNaN(CpuTime.secondsPer(10, 0, 1)));
        assertEquals("3.000", CpuTime.format(3.0));
        assertEquals("0.005", CpuTime.format(0.0049999));
        assertEquals("-", CpuTime.format(Double.NaN));
    }

    @Test
    void processTimeGrowsWithWorkOfAnyThread() throws Exception {
        long before = CpuTime.processNanos();
        assertTrue(before >= 0, "this JDK reports process CPU time");
        Thread worker = new Thread(() -> {
            long end = System.nanoTime() + 200_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x += Long.numberOfTrailingZeros(x + 1);
            }
            if (x == 42) {
                System.out.print("");
            }
        });
        worker.start();
        worker.join();
        long spent = CpuTime.processNanos() - before;
        // the worker alone ran on a CPU for about 200 ms of wall time; on a loaded machine it
        // may get less, but some CPU time of another thread must show in the process's sum
        assertTrue(spent > 10_000_000L, "process CPU grew by " + spent + " ns");
    }
}
