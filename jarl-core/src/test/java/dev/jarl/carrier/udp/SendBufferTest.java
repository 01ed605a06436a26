/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.udp.Datagram.Range;

/**
 * The sender's bookkeeping with the time as an argument: what may be sent, what an
 * acknowledgement frees, the packet-threshold loss rule, the retransmission timer and its
 * back-off, as {@link SendBuffer}'s Javadoc states them. No threads, no sockets, no waiting.
 */
class SendBufferTest {

    static final long MS = 1_000_000L;
    static final long MIN_RTO = 10 * MS;
    static final long INITIAL_RTO = 100 * MS;
    /** An arbitrary reading of the clock to start from. */
    static final long T0 = 7_000_000_000_000L;

    private final SendBuffer sb = new SendBuffer(1_000_000, MIN_RTO, INITIAL_RTO);

    private void queue(int segments) {
        for (int i = 0; i < segments; i++) {
            sb.queue(new byte[100], 100);
        }
    }

    private List<Segment> collect(long now) {
        List<Segment> batch = new ArrayList<>();
        sb.collect(batch, UdpConnection.BATCH, now);
        return batch;
    }

    private static List<Long> seqs(List<Segment> batch) {
        return batch.stream().map(s -> s.seq).toList();
    }

    @Test
    void beforeAnyAcknowledgementTenSegmentsGoAndTheTimerStartsAtTheInitialRto() {
        queue(20);
        assertFalse(sb.timerRunning());
        List<Segment> batch = collect(T0);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seqs(batch));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), batch.stream().map(s -> s.tx).toList());
        assertTrue(sb.timerRunning());
        assertEquals(T0 + INITIAL_RTO, sb.deadline());
        assertTrue(collect(T0 + MS).isEmpty(), "the window is full");
        assertEquals(T0 + INITIAL_RTO, sb.deadline(), "a running timer is not restarted by sending");
        assertEquals(10 * 100, sb.unsentBytes());
    }

    @Test
    void anAcknowledgementFreesGrowsTheWindowSamplesTheRoundTripAndRestartsTheTimer() {
        queue(20);
        collect(T0);
        int echo = Datagram.Data.timestamp(T0);
        long now = T0 + 4 * MS;
        assertEquals(SendBuffer.TAKEN | SendBuffer.FREED, sb.onAck(5, 100, List.of(), echo, 1000, now));
        SendBuffer.Snapshot s = sb.snapshot();
        assertEquals(5, s.acknowledged());
        assertEquals(5, s.inFlight());
        assertEquals(15, s.cwnd(), "slow start: one more per segment acknowledged");
        assertEquals(3 * MS, s.srtt(), "4 ms less the peer's 1 ms of delay");
        assertEquals(MIN_RTO, sb.rto(), "3 ms + 4 x 1.5 ms is below minRto");
        assertEquals(now + MIN_RTO, sb.deadline());
        assertEquals(15 * 100, s.bufferedBytes());
        List<Segment> next = collect(now);
        assertEquals(List.of(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L), seqs(next), "15 in flight at most");
    }

    @Test
    void acknowledgementsOutsideWhatWasSentAreIgnored() {
        queue(5);
        collect(T0);
        assertEquals(SendBuffer.IGNORED, sb.onAck(6, 100, List.of(), 0, 0, T0));
        assertEquals(SendBuffer.TAKEN | SendBuffer.FREED, sb.onAck(3, 100, List.of(), 0, 0, T0));
        assertEquals(SendBuffer.IGNORED, sb.onAck(2, 100, List.of(), 0, 0, T0));
        assertEquals(SendBuffer.TAKEN, sb.onAck(3, 200, List.of(), 0, 0, T0), "a window update frees nothing");
        assertEquals(3, sb.snapshot().acknowledged());
    }

    @Test
    void aSegmentIsLostOnceOneSentThreeTransmissionsLaterIsAcknowledged() {
        queue(10);
        collect(T0); // seq = tx = 0..9
        sb.onAck(0, 100, List.of(new Range(3, 4)), 0, 0, T0); // seq 3 (tx 3) acknowledged by a range
        SendBuffer.Snapshot s = sb.snapshot();
        assertEquals(1, s.lossEvents(), "seq 0: 0 + 3 <= 3");
        assertEquals(10 - 1 - 1, s.inFlight(), "seq 3 acknowledged, seq 0 lost; 1 and 2 still in flight");
        assertEquals(5.5, s.cwnd(), "10 + 1 for seq 3, then halved");
        assertEquals(5.5, s.ssthresh());
        List<Segment> again = collect(T0 + MS);
        assertTrue(again.isEmpty(), "8 in flight, cwnd 5.5");
        sb.onAck(0, 100, List.of(new Range(3, 8)), 0, 0, T0 + MS); // seq 4..7: tx up to 7
        s = sb.snapshot();
        assertEquals(1, s.lossEvents(), "seq 1 and 2 lost within the same recovery: no second cut");
        List<Segment> retransmitted = collect(T0 + 2 * MS);
        assertEquals(List.of(0L, 1L, 2L), seqs(retransmitted).subList(0, 3), "the lost go first, in order");
        assertEquals(3, sb.snapshot().retransmissions());
        assertEquals(List.of(10L, 11L, 12L), retransmitted.stream().limit(3).map(x -> x.tx).toList(),
                "a retransmission takes a new transmission number");
    }

    @Test
    void theRetransmissionTimerFiresAtItsDeadlineAndDoublesTheTimeout() {
        queue(4);
        collect(T0);
        long deadline = T0 + INITIAL_RTO;
        assertFalse(sb.timerExpired(deadline - 1));
        assertTrue(sb.timerExpired(deadline));
        sb.onRetransmissionTimeout(deadline);
        SendBuffer.Snapshot s = sb.snapshot();
        assertEquals(1, s.timeouts());
        assertEquals(0, s.inFlight(), "every unacknowledged segment is lost");
        assertEquals(1, s.cwnd());
        assertEquals(2 * INITIAL_RTO, sb.rto());
        assertFalse(sb.timerRunning(), "stopped until the next sending");
        List<Segment> one = collect(deadline);
        assertEquals(List.of(0L), seqs(one), "cwnd 1: one retransmission");
        assertEquals(deadline + 2 * INITIAL_RTO, sb.deadline());
        sb.onRetransmissionTimeout(deadline + 2 * INITIAL_RTO);
        assertEquals(4 * INITIAL_RTO, sb.rto());
        assertEquals(2, sb.snapshot().timeouts());
        for (int i = 0; i < 20; i++) {
            collect(T0);
            sb.onRetransmissionTimeout(T0);
        }
        assertEquals(RttEstimator.MAX_RTO, sb.rto(), "the back-off stops at 60 s");
    }

    @Test
    void aTimeoutWithEverythingAcknowledgedByRangesDeclaresNothing() {
        queue(3);
        collect(T0);
        sb.onAck(0, 100, List.of(new Range(1, 3)), 0, 0, T0);
        sb.onRetransmissionTimeout(T0 + INITIAL_RTO);
        assertEquals(1, sb.snapshot().timeouts(), "seq 0 was lost");
        List<Segment> again = collect(T0 + INITIAL_RTO);
        assertEquals(List.of(0L), seqs(again), "only the segment no range acknowledged goes again");
    }

    @Test
    void anAcknowledgementAnsweringASegmentSentBeforeTheTimeoutUndoesIt() {
        queue(4);
        collect(T0);
        int before = Datagram.Data.timestamp(T0);
        sb.onRetransmissionTimeout(T0 + INITIAL_RTO);
        assertEquals(1, sb.snapshot().cwnd());
        sb.onAck(1, 100, List.of(), before, 0, T0 + INITIAL_RTO + MS);
        SendBuffer.Snapshot s = sb.snapshot();
        assertEquals(1, s.spuriousTimeouts());
        assertEquals(11, s.cwnd(), "the window from before the timeout, and one more for the segment acknowledged");
    }

    @Test
    void writersMayQueueWhileTheBytesQueuedOrUnacknowledgedFit() {
        SendBuffer small = new SendBuffer(1000, MIN_RTO, INITIAL_RTO);
        assertTrue(small.hasRoom(5000), "a first segment always fits");
        small.queue(new byte[600], 600);
        assertTrue(small.hasRoom(400));
        assertFalse(small.hasRoom(401));
        List<Segment> batch = new ArrayList<>();
        small.collect(batch, UdpConnection.BATCH, T0);
        assertFalse(small.hasRoom(401), "sent but unacknowledged bytes still count");
        small.onAck(1, 100, List.of(), 0, 0, T0);
        assertTrue(small.hasRoom(1000));
    }

    @Test
    void aClosedPeerWindowStallsTheSender() {
        queue(20);
        collect(T0);
        sb.onAck(10, 0, List.of(), 0, 0, T0); // everything acknowledged, no room beyond seq 10
        assertTrue(collect(T0).isEmpty());
        assertTrue(sb.stalled(), "data waits, nothing in flight");
        assertFalse(sb.timerRunning());
        sb.onAck(10, 3, List.of(), 0, 0, T0);
        assertEquals(List.of(10L, 11L, 12L), seqs(collect(T0)));
        assertFalse(sb.stalled());
    }

    @Test
    void roundTripSamplesOutsideZeroToSixtySecondsAreIgnored() {
        queue(3);
        collect(T0);
        int echo = Datagram.Data.timestamp(T0);
        sb.onAck(1, 100, List.of(), echo, 5000, T0 + 2 * MS); // 2 ms less 5 ms of delay: negative
        assertEquals(0, sb.snapshot().srtt());
        sb.onAck(2, 100, List.of(), echo, 0, T0 + 61_000 * MS);
        assertEquals(0, sb.snapshot().srtt(), "61 s");
        sb.onAck(3, 100, List.of(), echo, 0, T0 + 20 * MS);
        assertEquals(20 * MS, sb.snapshot().srtt());
    }
}
