/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.ManualClock;
import dev.jarl.carrier.NanoClock;
import dev.jarl.carrier.udp.FaultyLink.Sent;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.testing.Await;

/**
 * A live connection's timers and windows, driven by its clock instead of by waiting:
 * {@code a}, the dialer, runs on a frozen {@link ManualClock}, so that nothing it does is
 * timed by anything but the test, and its link logs each datagram with {@code a}'s clock
 * reading; {@code b} runs on the system clock and acknowledges as a peer does (or on a
 * frozen clock of its own, to send nothing unasked). Each step waits for the event it
 * causes (a datagram sent, a counter moved), never for time to pass.
 */
@Timeout(60)
class UdpTimersTest {

    static final Duration RTO = Duration.ofMillis(100);
    static final Duration KEEPALIVE = Duration.ofMillis(200);

    private final ManualClock clock = ManualClock.frozen();
    private UdpPair p;

    /** Minimum and initial RTO 100 ms (a frozen clock measures no round trip), keepalive 200 ms, idle 2 s. */
    private UdpPair open(NanoClock clockB) throws Exception {
        UdpOptions options = UdpPair.options().withRto(RTO, RTO);
        p = new UdpPair(options.withClock(clock), options.withClock(clockB), FaultyLink.clean().record(clock),
                FaultyLink.clean());
        Await.until(Duration.ofSeconds(10), () -> sender().inFlight() == 0,
                () -> "nothing in flight"); // b acknowledged the end of the handshake
        return p;
    }

    @AfterEach
    void close() {
        if (p != null) {
            p.close();
        }
    }

    private SendBuffer.Snapshot sender() {
        return p.a.snapshot().sender();
    }

    private static boolean isData(Sent s) {
        return s.type() == Datagram.DATA;
    }

    @Test
    void aLostSegmentGoesAgainWhenTheTimeoutHasPassedAndTheTimeoutDoublesEachTime() throws Exception {
        open(NanoClock.SYSTEM);
        long t0 = clock.nanoTime();
        long rto = RTO.toNanos();
        long seq = sender().acknowledged(); // the next sequence number: everything sent is acknowledged
        p.linkA.blackhole = true;
        p.chA.send(new byte[] {1, 2, 3});
        p.linkA.await(s -> isData(s) && s.seq() == seq);

        clock.advance(RTO);
        p.linkA.await(s -> isData(s) && s.seq() == seq && s.at() > t0);
        SendBuffer.Snapshot s1 = sender();
        assertEquals(1, s1.timeouts());
        assertEquals(1, s1.retransmissions());
        assertEquals(1, s1.cwnd());
        assertEquals(2 * rto, s1.rto());

        clock.advance(RTO.multipliedBy(2).minusMillis(1));
        clock.advance(Duration.ofMillis(1));
        p.linkA.await(s -> isData(s) && s.at() > t0 + rto);
        assertEquals(4 * rto, sender().rto());

        p.linkA.blackhole = false;
        clock.advance(RTO.multipliedBy(4));
        assertArrayEquals(new byte[] {1, 2, 3}, p.chB.nextData(5000));
        List<Long> sentAt = p.linkA.sent(s -> isData(s) && s.seq() == seq).stream().map(Sent::at).toList();
        assertEquals(List.of(t0, t0 + rto, t0 + 3 * rto, t0 + 7 * rto), sentAt,
                "sent, then again 1, 2 and 4 RTOs later, never sooner");
        Await.until(Duration.ofSeconds(10), () -> sender().inFlight() == 0, () -> "nothing in flight");
        assertEquals(3, sender().timeouts());
        assertTrue(p.chA.closedReasons.isEmpty() && p.chB.closedReasons.isEmpty());
    }

    @Test
    void aSideThatSentNothingForTheKeepaliveIntervalPingsAndThePeerAnswers() throws Exception {
        open(ManualClock.frozen()); // b sends nothing but answers
        long t0 = clock.nanoTime();
        long keepalive = KEEPALIVE.toNanos();
        clock.advance(KEEPALIVE.minusMillis(1));
        clock.advance(Duration.ofMillis(1));
        Sent ping = p.linkA.await(s -> s.type() == Datagram.PING);
        assertEquals(t0 + keepalive, ping.at(), "pinged after 200 ms of silence, not sooner");
        Await.until(Duration.ofSeconds(10), () -> p.a.snapshot().lastReceived() == t0 + keepalive,
                () -> "b's answer to the ping received"); // b's answer, the only datagram since
        clock.advance(KEEPALIVE);
        Sent second = p.linkA.await(s -> s.type() == Datagram.PING && s.at() > t0 + keepalive);
        assertEquals(t0 + 2 * keepalive, second.at());
        assertTrue(p.chA.closedReasons.isEmpty() && p.chB.closedReasons.isEmpty());
    }

    @Test
    void theCongestionWindowGrowsByOneSegmentForEachAcknowledgedInSlowStart() throws Exception {
        open(NanoClock.SYSTEM);
        for (int i = 0; i < 100; i++) {
            p.chA.send(new byte[3000]);
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(3000, p.chB.nextData(5000).length);
        }
        Await.until(Duration.ofSeconds(10), () -> sender().inFlight() == 0 && sender().bufferedBytes() == 0,
                () -> "everything sent and acknowledged");
        SendBuffer.Snapshot s = sender();
        assertEquals(0, s.timeouts() + s.lossEvents(), "nothing lost on loopback, no timeout on a frozen clock");
        assertTrue(s.acknowledged() > 200, s.toString());
        assertEquals(CongestionControl.INITIAL_WINDOW + s.acknowledged(), s.cwnd(), s.toString());
        assertEquals(Double.MAX_VALUE, s.ssthresh());
    }

    @Test
    void aLossSeenFromLaterAcknowledgementsHalvesTheWindowOnceAndTheSegmentGoesAgain() throws Exception {
        open(NanoClock.SYSTEM);
        long first = sender().acknowledged(); // the next sequence number: everything sent is acknowledged
        AtomicBoolean once = new AtomicBoolean();
        p.linkA.dropOnce(s -> isData(s) && s.seq() == first + 4 && once.compareAndSet(false, true));
        byte[][] sent = new byte[40][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[3000];
            sent[i][0] = (byte) i;
            p.chA.send(sent[i]);
        }
        for (byte[] packet : sent) {
            assertArrayEquals(packet, p.chB.nextData(5000));
        }
        Await.until(Duration.ofSeconds(10), () -> sender().inFlight() == 0 && sender().bufferedBytes() == 0,
                () -> "everything sent and acknowledged");
        SendBuffer.Snapshot s = sender();
        assertEquals(1, s.lossEvents(), s.toString());
        assertEquals(1, s.retransmissions(), "the dropped segment only");
        assertEquals(0, s.timeouts(), "found by the packet threshold, not by a timeout");
        assertNotEquals(Double.MAX_VALUE, s.ssthresh(), "the window was cut");
        assertTrue(s.cwnd() < CongestionControl.INITIAL_WINDOW + s.acknowledged(), s.toString());
        assertEquals(2, p.linkA.sent(x -> isData(x) && x.seq() == first + 4).size());
    }
}
