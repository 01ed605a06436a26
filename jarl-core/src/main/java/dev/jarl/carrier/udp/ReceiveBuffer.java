/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.jarl.carrier.udp.Datagram.Ack;
import dev.jarl.carrier.udp.Datagram.Range;

/**
 * The receiving half of a connection's reliable stream ({@code docs/udp-carrier.md} section
 * 6): the next sequence number expected, the reorder buffer, the in-order segments waiting
 * for the input party, and what to acknowledge when. Pure bookkeeping: the time is an
 * argument ({@code now}, a reading of the connection's clock in nanoseconds), and nothing
 * here blocks, sends or signals; its results say whom to wake. Not thread-safe: every call
 * holds the connection's lock.
 *
 * <p>With {@code rcvNxt} the next sequence number expected, {@code window} the reorder
 * buffer's size in segments and {@code queued} the segments the input party has not taken:
 * <ul>
 *   <li>A {@code DATA} numbered {@code s}: below {@code rcvNxt}, or held already, is a
 *       duplicate (acknowledge now); at or beyond {@code rcvNxt + window - queued} is beyond
 *       the edge (drop, acknowledge now); above {@code rcvNxt} goes into the reorder buffer
 *       (acknowledge now); equal to {@code rcvNxt} is queued for the input party with every
 *       buffered segment that now follows in sequence, and is acknowledged now when two or
 *       more segments are unacknowledged or the reorder buffer is not empty, else at
 *       {@code now + ackDelay}.</li>
 *   <li>An acknowledgement carries {@code rcvNxt}, the window advertised
 *       ({@code window - queued}, so the edge {@code rcvNxt + advertised} never moves
 *       back), the timestamp of the newest segment that was new and the microseconds since it
 *       came, and up to 64 ranges describing the reorder buffer, lowest first.</li>
 *   <li>A {@code DATA} sent the other way carries {@code rcvNxt} too, and counts as the
 *       acknowledgement when the reorder buffer is empty.</li>
 *   <li>When the input party takes the queue and the edge it could advertise is half the
 *       window or more beyond the edge last advertised, an acknowledgement is due now, so that
 *       a sender waiting at the old edge need not wait for its next ping.</li>
 * </ul>
 */
final class ReceiveBuffer {

    /** {@link #onData}: send an acknowledgement now. */
    static final int ACK_NOW = 1;
    /** {@link #onData}: an acknowledgement became due later ({@link #ackDeadline()}); the pump must know. */
    static final int ACK_LATER = 2;
    /** {@link #onData}: the input party's queue was empty and is not any more. */
    static final int INPUT_READY = 4;
    /** {@link #onData}: the segment lay beyond the edge and was dropped. */
    static final int BEYOND_EDGE = 8;

    private final int window;
    private final long ackDelay;
    private final byte[][] reorder;
    private int reorderCount;
    private long rcvNxt;
    private long highestReceived = -1;
    private int unackedReceived;
    private boolean ackPending;
    private long ackDue;
    private boolean heard;
    private int echo;
    private long echoAt;
    /** In-order segments waiting for the input party; they count against the advertised window. */
    private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
    /** The edge ({@code rcvNxt + advertised window}) the peer was last told. */
    private long advertisedEdge;
    private long duplicates;

    /**
     * @param window   the reorder buffer's size and the window advertised, in segments
     * @param ackDelay how long an acknowledgement of in-order data may wait, in nanoseconds
     */
    ReceiveBuffer(int window, long ackDelay) {
        this.window = window;
        this.ackDelay = ackDelay;
        this.reorder = new byte[window][];
    }

    /**
     * The receive thread: a {@code DATA} numbered {@code seq}, carrying {@code payload} (copied: it lives in the
     * receive thread's buffer) and {@code timestamp}, arrived at {@code now}.
     *
     * @return what follows, a sum of {@link #ACK_NOW}, {@link #ACK_LATER},
     *         {@link #INPUT_READY} and {@link #BEYOND_EDGE}
     */
    int onData(long seq, ByteBuffer payload, int timestamp, long now) {
        if (seq < rcvNxt) {
            duplicates++;
            return ACK_NOW;
        }
        if (seq >= edge()) {
            return BEYOND_EDGE | ACK_NOW;
        }
        if (seq != rcvNxt) {
            int slot = (int) (seq % window);
            if (reorder[slot] != null) {
                duplicates++;
            } else {
                reorder[slot] = copy(payload);
                reorderCount++;
                highestReceived = Math.max(highestReceived, seq);
                heard(timestamp, now);
            }
            return ACK_NOW;
        }
        int before = queued.size();
        queued.addLast(ByteBuffer.wrap(copy(payload)));
        rcvNxt++;
        while (reorderCount > 0) {
            int slot = (int) (rcvNxt % window);
            byte[] next = reorder[slot];
            if (next == null) {
                break;
            }
            reorder[slot] = null;
            reorderCount--;
            queued.addLast(ByteBuffer.wrap(next));
            rcvNxt++;
        }
        int added = queued.size() - before;
        int result = before == 0 ? INPUT_READY : 0;
        heard(timestamp, now);
        unackedReceived += added;
        if (reorderCount > 0 || added > 1 || unackedReceived >= 2) {
            return result | ACK_NOW;
        }
        if (!ackPending) {
            ackPending = true;
            ackDue = now + ackDelay;
            return result | ACK_LATER;
        }
        return result;
    }

    /** {@link #onData}: a new segment stamped {@code timestamp} came at {@code now}; the next acknowledgement echoes it. */
    private void heard(int timestamp, long now) {
        heard = true;
        echo = timestamp;
        echoAt = now;
    }

    /** {@link #onData}: the payload's bytes, out of the receive thread's reused buffer. */
    private static byte[] copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return bytes;
    }

    /** The receive thread: the first sequence number beyond what it accepts, {@code rcvNxt + window - queued}. */
    long edge() {
        return rcvNxt + window - queued.size();
    }

    /**
     * The pump (a delayed acknowledgement) and the receive thread (one due now, or the answer
     * to a ping): an acknowledgement of everything received so far, addressed to
     * {@code destination}, made at {@code now}. No acknowledgement is due after it.
     */
    Ack ack(long destination, long now) {
        unackedReceived = 0;
        ackPending = false;
        List<Range> ranges = List.of();
        if (reorderCount > 0) {
            ranges = new ArrayList<>();
            long start = -1;
            long top = Math.min(highestReceived, rcvNxt + window - 1);
            for (long seq = rcvNxt + 1; seq <= top + 1 && ranges.size() < Datagram.MAX_RANGES; seq++) {
                boolean have = seq <= top && reorder[(int) (seq % window)] != null;
                if (have && start < 0) {
                    start = seq;
                } else if (!have && start >= 0) {
                    ranges.add(new Range(start, seq));
                    start = -1;
                }
            }
        }
        int delay = heard ? (int) Math.min(Integer.MAX_VALUE, (now - echoAt) / 1000) : 0;
        return new Ack(destination, rcvNxt, advertise(), echo, delay, ranges);
    }

    /**
     * The pump: a {@code DATA} carrying {@link #next()} and {@link #advertise()} goes out: with the
     * reorder buffer empty it acknowledges everything, so no acknowledgement is due.
     */
    void acknowledgedByData() {
        if (reorderCount == 0) {
            unackedReceived = 0;
            ackPending = false;
        }
    }

    /** The pump: whether an acknowledgement is due at {@code now}. */
    boolean ackDue(long now) {
        return ackPending && now - ackDue >= 0;
    }

    /** The pump: whether an acknowledgement waits ({@link #ackDeadline()} is then when it is due). */
    boolean ackPending() {
        return ackPending;
    }

    /** The pump: when the waiting acknowledgement is due; meaningful while one waits. */
    long ackDeadline() {
        return ackDue;
    }

    /** The pump, for the {@code DATA} it sends: {@code rcvNxt}, the next sequence number expected. */
    long next() {
        return rcvNxt;
    }

    /**
     * The pump, for the {@code DATA} it sends, and {@link #ack}: the window to advertise now,
     * {@code window - queued}, which the peer is told: its edge is remembered.
     */
    int advertise() {
        int free = Math.max(0, window - queued.size());
        advertisedEdge = rcvNxt + free;
        return free;
    }

    /** The input party: whether nothing waits for it. */
    boolean nothingQueued() {
        return queued.isEmpty();
    }

    /**
     * The input party takes every queued segment, in order, into {@code into}, at {@code now}.
     *
     * @return true when that freed so much room that an acknowledgement is due now (the pump must know)
     */
    boolean takeQueued(List<ByteBuffer> into, long now) {
        into.addAll(queued);
        queued.clear();
        if (rcvNxt + window - advertisedEdge >= Math.max(1, window / 2) && !ackPending) {
            ackPending = true;
            ackDue = now;
            return true;
        }
        return false;
    }

    /** {@link UdpConnection#snapshot}: duplicate segments received and discarded. */
    long duplicates() {
        return duplicates;
    }
}
