/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

/**
 * Round-trip time and retransmission timeout after RFC 6298, in nanoseconds. Pure
 * arithmetic, not thread-safe (the connection's lock guards it).
 *
 * <ul>
 *   <li>First sample {@code R}: {@code SRTT = R}, {@code RTTVAR = R/2}.</li>
 *   <li>Later samples: {@code RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|},
 *       {@code SRTT = 7/8 SRTT + 1/8 R}.</li>
 *   <li>{@code RTO = clamp(SRTT + max(G, 4 RTTVAR), minRto, maxRto)} with a clock granularity
 *       {@code G} of 1 ms; before any sample {@code RTO = initialRto}.</li>
 *   <li>On a timeout, {@code RTO = min(2 RTO, maxRto)} until the next sample.</li>
 * </ul>
 */
final class RttEstimator {

    static final long GRANULARITY = 1_000_000L;
    static final long MAX_RTO = 60_000_000_000L;

    private final long minRto;
    private long srtt;
    private long rttvar;
    private long rto;
    private boolean sampled;

    RttEstimator(long minRtoNanos, long initialRtoNanos) {
        this.minRto = minRtoNanos;
        this.rto = initialRtoNanos;
    }

    /** Adds one round-trip measurement. */
    void sample(long r) {
        if (r <= 0) {
            r = 1;
        }
        if (!sampled) {
            srtt = r;
            rttvar = r / 2;
            sampled = true;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.min(MAX_RTO, Math.max(minRto, srtt + Math.max(GRANULARITY, 4 * rttvar)));
    }

    /** Doubles the timeout after a retransmission timeout. */
    void backOff() {
        rto = Math.min(MAX_RTO, 2 * rto);
    }

    long rto() {
        return rto;
    }

    /** Smoothed round-trip time, or 0 before the first sample. */
    long srtt() {
        return srtt;
    }
}
