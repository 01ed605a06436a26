/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The congestion window's arithmetic, rule by rule, as {@link CongestionControl}'s Javadoc states it. */
class CongestionControlTest {

    @Test
    void slowStartAddsOneSegmentForEachSegmentAcknowledged() {
        CongestionControl cc = new CongestionControl();
        assertEquals(10, cc.window());
        assertEquals(Double.MAX_VALUE, cc.threshold());
        assertTrue(cc.allows(9));
        assertFalse(cc.allows(10));
        cc.onAcknowledged(5, 5);
        assertEquals(15, cc.window());
        cc.onAcknowledged(3, 8);
        assertEquals(18, cc.window());
        assertTrue(cc.allows(17));
    }

    @Test
    void congestionAvoidanceAddsOneOverTheWindowForEachSegment() {
        CongestionControl cc = new CongestionControl();
        cc.onAcknowledged(10, 10); // cwnd 20
        assertTrue(cc.onLoss(10, 30)); // ssthresh = cwnd = 10, recovery until 30
        assertEquals(10, cc.window());
        assertEquals(10, cc.threshold());
        cc.onAcknowledged(1, 31);
        assertEquals(10 + 1.0 / 10, cc.window(), 1e-12);
        cc.onAcknowledged(2, 33);
        double expected = 10 + 1.0 / 10;
        expected += 1 / expected;
        expected += 1 / expected;
        assertEquals(expected, cc.window(), 1e-12);
    }

    @Test
    void nothingGrowsUntilEverythingSentBeforeTheCutIsAcknowledged() {
        CongestionControl cc = new CongestionControl();
        assertTrue(cc.onLoss(0, 20));
        assertEquals(5, cc.window());
        cc.onAcknowledged(4, 12);
        cc.onAcknowledged(4, 20);
        assertEquals(5, cc.window(), "sndUna has not passed recoveryEnd");
        cc.onAcknowledged(1, 21);
        assertEquals(5 + 1.0 / 5, cc.window(), 1e-12);
    }

    @Test
    void lossesCutOncePerWindowOfData() {
        CongestionControl cc = new CongestionControl();
        cc.onAcknowledged(14, 14); // cwnd 24
        assertTrue(cc.onLoss(14, 40));
        assertEquals(12, cc.window());
        assertFalse(cc.onLoss(20, 45), "sndUna 20 is below recoveryEnd 40");
        assertFalse(cc.onLoss(39, 50));
        assertEquals(12, cc.window());
        assertTrue(cc.onLoss(40, 60), "sndUna reached recoveryEnd: a new window of data");
        assertEquals(6, cc.window());
        assertFalse(cc.onLoss(59, 70), "recovery now lasts until 60");
        assertTrue(cc.onLoss(60, 70));
    }

    @Test
    void theThresholdNeverFallsBelowTwoSegments() {
        CongestionControl cc = new CongestionControl();
        cc.onTimeout(1000, 10);
        assertEquals(1, cc.window());
        assertEquals(5, cc.threshold());
        cc.onTimeout(2000, 10);
        assertEquals(1, cc.window());
        assertEquals(2, cc.threshold(), "max(1 / 2, 2)");
        assertTrue(cc.onLoss(10, 12));
        assertEquals(2, cc.window());
    }

    @Test
    void aTimeoutCollapsesTheWindowAndStartsRecovery() {
        CongestionControl cc = new CongestionControl();
        cc.onAcknowledged(6, 6); // cwnd 16
        cc.onTimeout(5000, 30);
        assertEquals(1, cc.window());
        assertEquals(8, cc.threshold());
        cc.onAcknowledged(1, 30);
        assertEquals(1, cc.window(), "within recovery");
        cc.onAcknowledged(1, 31);
        assertEquals(2, cc.window(), "slow start again below ssthresh 8");
    }

    @Test
    void anAcknowledgementEchoingATimestampFromBeforeTheTimeoutUndoesIt() {
        CongestionControl cc = new CongestionControl();
        cc.onAcknowledged(6, 6); // cwnd 16
        cc.onTimeout(5000, 30);
        assertTrue(cc.judgeTimeout(4999), "the answered segment left before the timeout");
        assertEquals(16, cc.window());
        assertEquals(Double.MAX_VALUE, cc.threshold());
        cc.onAcknowledged(1, 1);
        assertEquals(17, cc.window(), "recovery ended: sndUna 1 grows the window again");
        assertFalse(cc.judgeTimeout(4000), "judged once");
    }

    @Test
    void anAcknowledgementEchoingATimestampFromTheTimeoutOnKeepsTheCut() {
        CongestionControl cc = new CongestionControl();
        cc.onTimeout(5000, 30);
        assertFalse(cc.judgeTimeout(5000));
        assertEquals(1, cc.window());
        assertFalse(cc.judgeTimeout(4000), "judged already: a later old echo changes nothing");
        assertEquals(1, cc.window());
    }

    @Test
    void anEchoOfNoneJudgesNothing() {
        CongestionControl cc = new CongestionControl();
        cc.onTimeout(5000, 30);
        assertFalse(cc.judgeTimeout(0));
        assertTrue(cc.judgeTimeout(10), "still waiting for judgement");
        assertEquals(10, cc.window());
    }

    @Test
    void timestampsCompareModulo2To32() {
        CongestionControl cc = new CongestionControl();
        cc.onTimeout(5, 30); // just after the microsecond counter wrapped
        assertTrue(cc.judgeTimeout(-10), "0xFFFFFFF6 is 15 us before 5");
        assertEquals(10, cc.window());
        cc.onTimeout(-10, 40);
        assertFalse(cc.judgeTimeout(5), "5 is 15 us after 0xFFFFFFF6");
    }

    @Test
    void severalTimeoutsBeforeJudgementRestoreTheWindowFromBeforeTheFirst() {
        CongestionControl cc = new CongestionControl();
        cc.onAcknowledged(10, 10); // cwnd 20
        cc.onTimeout(1000, 30);
        cc.onTimeout(3000, 30);
        assertEquals(1, cc.window());
        assertEquals(2, cc.threshold());
        assertTrue(cc.judgeTimeout(2999));
        assertEquals(20, cc.window());
        assertEquals(Double.MAX_VALUE, cc.threshold());
    }
}
