/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * CPU time of this JVM, as {@code jarl bench} reports it: user plus system time of every
 * thread of the process (message threads, JIT compilers, garbage collectors), the same sum
 * bench/compare.sh reads from {@code /proc/PID/stat} for the other kinds of node.
 */
final class CpuTime {

    private CpuTime() {
    }

    /**
     * The process's CPU time so far in nanoseconds: the platform MXBean's
     * {@code getProcessCpuTime()} where the JDK has it, else {@link ProcessHandle}'s total
     * CPU duration; -1 when neither is available.
     */
    static long processNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            if (nanos >= 0) {
                return nanos;
            }
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * CPU seconds per {@code per} units of work: {@code cpuNanos / 1e9 / (units / per)}.
     * NaN when the time is unknown (negative) or there was no work.
     */
    static double secondsPer(long cpuNanos, long units, long per) {
        if (cpuNanos < 0 || units <= 0 || per <= 0) {
            return Double.NaN;
        }
        return cpuNanos / 1e9 / ((double) units / per);
    }

    /** Three decimals, {@code -} for NaN (the figure is not known). */
    static String format(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.3f", seconds);
    }
}
