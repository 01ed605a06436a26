/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

/**
 * The sender's congestion window, in segments: AIMD after RFC 5681 with one cut per window
 * of data, and the undo of a spurious timeout after the idea of RFC 3522 (Eifel), with this
 * protocol's timestamps ({@code docs/udp-carrier.md} section 7). Pure arithmetic on what it
 * is told, the time included; called by {@link SendBuffer} only, under the connection's
 * lock (it is not thread-safe).
 *
 * <p>With {@code sndUna} the lowest sequence number not yet acknowledged and {@code sndNxt}
 * the next one never sent:
 * <ul>
 *   <li>At the start: {@code cwnd = 10}, {@code ssthresh = infinity},
 *       {@code recoveryEnd = -1}. Segments may be sent while {@code inFlight < cwnd}.</li>
 *   <li>Each segment newly acknowledged while {@code sndUna > recoveryEnd} (outside recovery):
 *       {@code cwnd += 1} while {@code cwnd < ssthresh} (slow start), else
 *       {@code cwnd += 1 / cwnd} (congestion avoidance).</li>
 *   <li>Loss detected while {@code sndUna >= recoveryEnd}: {@code ssthresh = max(cwnd / 2, 2)},
 *       {@code cwnd = ssthresh}, {@code recoveryEnd = sndNxt}. Further losses before
 *       everything sent so far is acknowledged cut nothing more.</li>
 *   <li>Retransmission timeout at time {@code t}: {@code ssthresh = max(cwnd / 2, 2)},
 *       {@code cwnd = 1}, {@code recoveryEnd = sndNxt}; the values from before are kept for
 *       an undo (those from before the first of several timeouts not yet judged).</li>
 *   <li>The first acknowledgement of new data after a timeout judges it by the timestamp
 *       {@code e} it echoes: when {@code e - t < 0} (modulo 2^32) the segment it answers left
 *       before the timeout, so the timeout was spurious, a delay and not a loss: {@code cwnd}
 *       and {@code ssthresh} get their values from before back and recovery ends
 *       ({@code recoveryEnd = -1}). An echo of 0 (none) judges nothing.</li>
 * </ul>
 * Times are timestamps as {@code DATA} carries them ({@link Datagram.Data#timestamp}):
 * microseconds of the connection's clock modulo 2^32, never 0.
 */
final class CongestionControl {

    /** {@code cwnd} at the start, in segments. */
    static final int INITIAL_WINDOW = 10;

    private double cwnd = INITIAL_WINDOW;
    private double ssthresh = Double.MAX_VALUE;
    private long recoveryEnd = -1;
    /** The timestamp of the latest timeout not yet judged, or 0. */
    private int timeoutAt;
    private double cwndBeforeTimeout;
    private double ssthreshBeforeTimeout;

    /** {@link SendBuffer#collect}: whether one more segment may be sent with {@code inFlight} segments in flight. */
    boolean allows(int inFlight) {
        return inFlight < cwnd;
    }

    /**
     * {@link SendBuffer#onAck}, for an acknowledgement of new data echoing {@code echoed}: judges
     * that timeout, if one is waiting and {@code echoed} is not 0.
     *
     * @return true when the timeout was spurious and its cut was undone
     */
    boolean judgeTimeout(int echoed) {
        if (timeoutAt == 0 || echoed == 0) {
            return false;
        }
        boolean spurious = echoed - timeoutAt < 0;
        if (spurious) {
            cwnd = cwndBeforeTimeout;
            ssthresh = ssthreshBeforeTimeout;
            recoveryEnd = -1;
        }
        timeoutAt = 0;
        return spurious;
    }

    /**
     * {@link SendBuffer#onAck}: {@code segments} were newly acknowledged, and the lowest
     * unacknowledged one is now {@code sndUna}.
     */
    void onAcknowledged(int segments, long sndUna) {
        if (sndUna > recoveryEnd) {
            for (int i = 0; i < segments; i++) {
                cwnd += cwnd < ssthresh ? 1 : 1 / cwnd;
            }
        }
    }

    /**
     * {@link SendBuffer#onAck}: segments were declared lost while {@code sndUna} was the lowest unacknowledged one and
     * {@code sndNxt} the next to send.
     *
     * @return true when this cut the window (a loss event), false within a recovery
     */
    boolean onLoss(long sndUna, long sndNxt) {
        if (sndUna < recoveryEnd) {
            return false;
        }
        ssthresh = Math.max(cwnd / 2, 2);
        cwnd = ssthresh;
        recoveryEnd = sndNxt;
        return true;
    }

    /**
     * {@link SendBuffer#onRetransmissionTimeout}: the timer fired at timestamp {@code now},
     * with {@code sndNxt} the next sequence number to send.
     */
    void onTimeout(int now, long sndNxt) {
        if (timeoutAt == 0) {
            cwndBeforeTimeout = cwnd;
            ssthreshBeforeTimeout = ssthresh;
        }
        timeoutAt = now;
        ssthresh = Math.max(cwnd / 2, 2);
        cwnd = 1;
        recoveryEnd = sndNxt;
    }

    /** {@link SendBuffer#snapshot}: {@code cwnd}, in segments. */
    double window() {
        return cwnd;
    }

    /** {@link SendBuffer#snapshot}: {@code ssthresh}, in segments ({@link Double#MAX_VALUE} until the first cut). */
    double threshold() {
        return ssthresh;
    }
}
