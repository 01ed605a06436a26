/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

/** The three sweeps of {@link Growth}, with the names the BEAM driver prints. */
public enum Sweep {
    /** Message size, one sender, one connection. */
    SIZE("size", "message size (bytes)"),
    /** Peers: nodes each with one connection to the target, one sender each. */
    PEERS("peers", "peers (connections)"),
    /** Concurrent sending processes on one node, one connection. */
    PROCS("procs", "sending processes");

    private final String key;
    private final String axis;

    Sweep(String key, String axis) {
        this.key = key;
        this.axis = axis;
    }

    public String key() {
        return key;
    }

    public String axis() {
        return axis;
    }

    static Sweep of(String key) {
        for (Sweep s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("sweep: " + key + " (expected: size, peers or procs)");
    }
}
