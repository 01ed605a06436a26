/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.udp.Datagram.Ack;
import dev.jarl.carrier.udp.Datagram.Range;

/**
 * The receiver's bookkeeping with the time as an argument: ordering, duplicates, the edge,
 * what an acknowledgement says and when it is due, as {@link ReceiveBuffer}'s Javadoc
 * states them. No threads, no sockets, no waiting.
 */
class ReceiveBufferTest {

    static final long MS = 1_000_000L;
    static final long ACK_DELAY = 2 * MS;
    static final long T0 = 5_000_000_000_000L;
    static final long PEER = 42;

    private final ReceiveBuffer rb = new ReceiveBuffer(8, ACK_DELAY);

    private static ByteBuffer payload(long seq) {
        return ByteBuffer.wrap(new byte[] {(byte) seq, (byte) (seq >> 8)});
    }

    private int data(long seq, long now) {
        return rb.onData(seq, payload(seq), 1000 + (int) seq, now);
    }

    private List<Long> taken() {
        List<ByteBuffer> out = new ArrayList<>();
        rb.takeQueued(out, T0);
        return out.stream().map(b -> (long) (b.get(0) & 0xFF)).toList();
    }

    @Test
    void aLoneInOrderSegmentIsAcknowledgedAfterTheDelay() {
        assertEquals(ReceiveBuffer.INPUT_READY | ReceiveBuffer.ACK_LATER, data(0, T0));
        assertTrue(rb.ackPending());
        assertEquals(T0 + ACK_DELAY, rb.ackDeadline());
        assertFalse(rb.ackDue(T0 + ACK_DELAY - 1));
        assertTrue(rb.ackDue(T0 + ACK_DELAY));
        Ack a = rb.ack(PEER, T0 + ACK_DELAY);
        assertEquals(new Ack(PEER, 1, 7, 1000, 2000, List.of()), a, "rcvNxt 1, window 8 less 1 queued, 2 ms delay");
        assertFalse(rb.ackPending());
    }

    @Test
    void theSecondUnacknowledgedSegmentIsAcknowledgedAtOnce() {
        data(0, T0);
        assertEquals(ReceiveBuffer.ACK_NOW, data(1, T0 + MS), "the queue was not empty: no wake-up for the input");
        assertEquals(2, rb.next());
    }

    @Test
    void segmentsAboveTheGapWaitInTheReorderBufferAndAreDescribedByRanges() {
        assertEquals(ReceiveBuffer.ACK_NOW, data(2, T0));
        assertEquals(ReceiveBuffer.ACK_NOW, data(3, T0));
        assertEquals(ReceiveBuffer.ACK_NOW, data(5, T0));
        Ack a = rb.ack(PEER, T0);
        assertEquals(0, a.ack());
        assertEquals(List.of(new Range(2, 4), new Range(5, 6)), a.ranges());
        assertEquals(ReceiveBuffer.INPUT_READY | ReceiveBuffer.ACK_NOW, data(0, T0), "the reorder buffer is not empty");
        assertEquals(ReceiveBuffer.ACK_NOW, data(1, T0));
        assertEquals(4, rb.next(), "1 filled the gap: 2 and 3 follow");
        assertEquals(List.of(new Range(5, 6)), rb.ack(PEER, T0).ranges());
        assertEquals(List.of(0L, 1L, 2L, 3L), taken());
    }

    @Test
    void duplicatesAreCountedDiscardedAndAcknowledged() {
        data(0, T0);
        data(3, T0);
        assertEquals(ReceiveBuffer.ACK_NOW, data(0, T0));
        assertEquals(ReceiveBuffer.ACK_NOW, data(3, T0));
        assertEquals(2, rb.duplicates());
        assertEquals(List.of(0L), taken());
    }

    @Test
    void segmentsAtOrBeyondTheEdgeAreDroppedAndTheEdgeWaitsForTheInput() {
        assertEquals(ReceiveBuffer.BEYOND_EDGE | ReceiveBuffer.ACK_NOW, data(8, T0), "window 8: 0..7");
        for (long seq = 0; seq < 3; seq++) {
            data(seq, T0);
        }
        assertEquals(8, rb.edge(), "3 received, 3 queued: the edge has not moved");
        assertEquals(ReceiveBuffer.BEYOND_EDGE | ReceiveBuffer.ACK_NOW, data(8, T0));
        assertEquals(5, rb.advertise());
        taken();
        assertEquals(11, rb.edge());
        assertEquals(ReceiveBuffer.ACK_NOW, data(8, T0), "within the window now, out of order");
    }

    @Test
    void theInputFreeingHalfTheWindowBeyondTheAdvertisedEdgeMakesAnAcknowledgementDue() {
        for (long seq = 0; seq < 8; seq++) {
            data(seq, T0);
        }
        rb.ack(PEER, T0); // advertises 0: the sender waits at edge 8
        assertFalse(rb.ackPending());
        List<ByteBuffer> out = new ArrayList<>();
        assertTrue(rb.takeQueued(out, T0 + 5 * MS));
        assertEquals(8, out.size());
        assertTrue(rb.ackDue(T0 + 5 * MS), "due at once");
        assertEquals(8, rb.ack(PEER, T0 + 5 * MS).window());
    }

    @Test
    void theInputFreeingLessThanHalfTheWindowMakesNothingDue() {
        data(0, T0);
        rb.ack(PEER, T0); // advertises 7: edge 8
        List<ByteBuffer> out = new ArrayList<>();
        assertFalse(rb.takeQueued(out, T0), "the edge could move by 1 of 8 only");
        assertFalse(rb.ackPending());
    }

    @Test
    void dataSentTheOtherWayAcknowledgesUnlessTheReorderBufferHoldsSomething() {
        data(0, T0);
        assertTrue(rb.ackPending());
        rb.acknowledgedByData();
        assertFalse(rb.ackPending(), "the data's cumulative ack says it all");
        data(1, T0);
        data(3, T0); // a gap at 2: only an ACK's ranges can say that 3 came
        assertTrue(rb.ackPending());
        rb.acknowledgedByData();
        assertTrue(rb.ackPending(), "the reorder buffer holds 3: the acknowledgement is still due");
    }

    @Test
    void theAcknowledgementEchoesTheNewestNewSegmentAndTheTimeSinceIt() {
        assertEquals(0, rb.ack(PEER, T0).delayMicros(), "nothing heard yet");
        data(1, T0);
        data(0, T0 + 3 * MS);
        Ack a = rb.ack(PEER, T0 + 10 * MS);
        assertEquals(1000, a.echo(), "seq 0's timestamp: the newest new segment");
        assertEquals(7000, a.delayMicros());
        data(0, T0 + 11 * MS); // a duplicate is not new
        assertEquals(1000, rb.ack(PEER, T0 + 12 * MS).echo());
        assertEquals(9000, rb.ack(PEER, T0 + 12 * MS).delayMicros());
    }
}
