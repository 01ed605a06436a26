/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

/**
 * One measured point of a sweep, for one kind of node.
 *
 * @param sweep            which sweep
 * @param x                the swept value: bytes per message, peers, or sending processes
 * @param messagesPerSecond aggregate messages per second, counted once the sink confirmed them
 * @param bytesPerSecond   payload bytes per second (the size sweep; 0 elsewhere)
 * @param p50Micros        median round trip, microseconds
 * @param p99Micros        99th percentile round trip (nearest rank), microseconds
 * @param memoryBytes      bytes per connection (peers: both ends) or per idle process (procs); -1 for none
 */
public record Point(Sweep sweep, long x, double messagesPerSecond, double bytesPerSecond, double p50Micros,
                    double p99Micros, long memoryBytes) {

    /** Parses a line the BEAM driver prints: {@code point SWEEP X MSGS BYTES P50 P99 MEMORY}. */
    public static Point parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 8 || !f[0].equals("point")) {
            throw new IllegalArgumentException("point line: " + line + " (expected: point SWEEP X MSGS BYTES P50 P99 MEMORY)");
        }
        return new Point(Sweep.of(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                Double.parseDouble(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]));
    }
}
