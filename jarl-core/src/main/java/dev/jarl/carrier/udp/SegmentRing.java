/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

/**
 * The segments sent and not yet cumulatively acknowledged, indexed by sequence number: a
 * growable ring holding the consecutive range {@code first .. first + size - 1}.
 */
final class SegmentRing {

    private Segment[] ring = new Segment[64];
    private int head;
    private int size;
    private long first;

    /** Appends {@code s}, whose sequence number must be {@code first + size}. */
    void add(Segment s) {
        if (s.seq != first + size) {
            throw new IllegalStateException("segment: " + s.seq + " (expected: " + (first + size) + ")");
        }
        if (size == ring.length) {
            Segment[] bigger = new Segment[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) & (ring.length - 1)];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) & (ring.length - 1)] = s;
        size++;
    }

    /** The segment numbered {@code seq}, which must lie in the range held. */
    Segment get(long seq) {
        return ring[(head + (int) (seq - first)) & (ring.length - 1)];
    }

    /** Removes and returns the lowest segment. */
    Segment poll() {
        Segment s = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        first++;
        return s;
    }

    int size() {
        return size;
    }
}
