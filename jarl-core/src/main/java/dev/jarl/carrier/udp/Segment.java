/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

/**
 * One piece of the outgoing message stream, from the moment it is cut until it is
 * acknowledged. The connection's lock guards the mutable fields.
 */
final class Segment {

    final long seq;
    final byte[] bytes;
    final int length;
    /** Transmission order of the latest send: grows by one with every datagram sent. */
    long tx = -1;
    /** Sent, not acknowledged, not declared lost: counts against the congestion window. */
    boolean inFlight;
    /** Acknowledged by a selective range (the cumulative ack has not reached it yet). */
    boolean sacked;
    /** Waiting in the retransmission queue. */
    boolean queued;

    Segment(long seq, byte[] bytes, int length) {
        this.seq = seq;
        this.bytes = bytes;
        this.length = length;
    }
}
