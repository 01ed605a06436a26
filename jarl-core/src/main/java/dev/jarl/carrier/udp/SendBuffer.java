/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

import dev.jarl.carrier.udp.Datagram.Range;
import dev.jarl.jfr.UdpRetransmissionBurst;

/**
 * The sending half of a connection's reliable stream ({@code docs/udp-carrier.md} section
 * 7): the segments cut and not yet sent, those in flight, those lost and waiting to go
 * again; what acknowledgements say of them; the retransmission timer, the round-trip
 * estimate ({@link RttEstimator}) and the congestion window ({@link CongestionControl}).
 * Pure bookkeeping: the time is an argument ({@code now}, a reading of the connection's
 * clock in nanoseconds), and nothing here blocks, sends or signals. Not thread-safe: every
 * call holds the connection's lock.
 *
 * <p>With {@code sndUna} the lowest sequence number not acknowledged cumulatively,
 * {@code sndNxt} the next never sent, and {@code edge} the peer's window edge:
 * <ul>
 *   <li><b>Room.</b> A segment of {@code n} bytes may be queued while nothing is queued or
 *       unacknowledged, or {@code buffered + n <= capacity}.</li>
 *   <li><b>Sending.</b> While {@code inFlight < cwnd}: first the lost segments (skipping
 *       those acknowledged meanwhile), then new segments below {@code edge} (10 before the
 *       first acknowledgement). Each sending takes the next transmission number; the timer
 *       starts at {@code now + RTO} when it is stopped.</li>
 *   <li><b>Acknowledgement</b> {@code (ack, window, ranges, echo, delay)}, ignored unless
 *       {@code sndUna <= ack <= sndNxt}: {@code edge = max(edge, ack + window)}; segments
 *       below {@code ack} are freed and those in {@code ranges} marked acknowledged. When
 *       that acknowledged something new: a timeout waiting is judged
 *       ({@link CongestionControl#judgeTimeout}); {@code now - echo - delay} (microseconds
 *       modulo 2^32) is a round-trip sample when {@code echo != 0} and it lies strictly
 *       between 0 and 60 s; {@code cwnd} grows; the timer restarts at {@code now + RTO}
 *       while anything is in flight and stops otherwise. When the largest transmission
 *       number acknowledged grew, every segment in flight below the highest one
 *       acknowledged by a range whose own transmission number is at least
 *       {@value #PACKET_THRESHOLD} lower is lost (QUIC's packet threshold), and a loss cuts
 *       {@code cwnd} ({@link CongestionControl#onLoss}).</li>
 *   <li><b>Timeout</b>, once {@code now - deadline >= 0}: every unacknowledged segment is
 *       lost, {@code cwnd} collapses ({@link CongestionControl#onTimeout}) and the RTO
 *       doubles ({@link RttEstimator#backOff}).</li>
 * </ul>
 * A segment declared lost leaves the flight and queues for retransmission once.
 */
final class SendBuffer {

    /** A segment is lost once datagrams sent this many transmissions after it were acknowledged. */
    static final int PACKET_THRESHOLD = 3;
    /** {@link #onAck}: the acknowledgement was out of range and changed nothing. */
    static final int IGNORED = 0;
    /** {@link #onAck}: the acknowledgement was taken (the window edge may have moved). */
    static final int TAKEN = 1;
    /** {@link #onAck}, added to {@link #TAKEN}: bytes were freed. */
    static final int FREED = 2;
    /** The longest round-trip sample believed, in microseconds. */
    static final long MAX_SAMPLE_MICROS = 60_000_000L;

    private final long capacity;
    private final RttEstimator rtt;
    private final CongestionControl cc = new CongestionControl();
    private final ArrayDeque<Segment> unsent = new ArrayDeque<>();
    private final SegmentRing unacked = new SegmentRing();
    private final ArrayDeque<Segment> lost = new ArrayDeque<>();
    private long nextSeq;
    private long sndUna;
    private long sndNxt;
    private long edge = CongestionControl.INITIAL_WINDOW;
    private int inFlight;
    private long transmissions;
    private long maxAckedTx = -1;
    private long highestSacked = -1;
    private long buffered;
    /** Bytes queued and never sent; written under the lock, read without it ({@link #unsentBytes}). */
    private volatile long unsentBytes;
    private boolean timerRunning;
    private long deadline;

    private long retransmissions;
    private long timeouts;
    private long spuriousTimeouts;
    private long lossEvents;

    /** The peer's address, for JFR events. */
    private final String peer;
    /**
     * What {@link #figures()} shows without the lock: copies of the counters and control
     * state, published by each step of the pump and the receive thread (opaque stores).
     */
    private final long[] published = new long[FIGURES];
    private static final int RTT = 0;
    private static final int RTO = 1;
    private static final int RETRANSMISSIONS = 2;
    private static final int TIMEOUTS = 3;
    private static final int LOSS_EVENTS = 4;
    private static final int WINDOW = 5;
    private static final int IN_FLIGHT = 6;
    private static final int SENT = 7;
    private static final int FIGURES = 8;
    private static final VarHandle PUBLISHED = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * @param capacity   the most bytes queued or unacknowledged (a first segment always fits)
     * @param minRto     the lowest retransmission timeout, in nanoseconds
     * @param initialRto the timeout before any round trip was measured, in nanoseconds
     */
    SendBuffer(long capacity, long minRto, long initialRto) {
        this(capacity, minRto, initialRto, "");
    }

    /** As above, for the connection to {@code peer} (its address, named in JFR events). */
    SendBuffer(long capacity, long minRto, long initialRto, String peer) {
        this.capacity = capacity;
        this.rtt = new RttEstimator(minRto, initialRto);
        this.peer = peer;
        publish();
    }

    // ---- writers ----

    /** A writer: whether a segment of {@code length} bytes may be queued now. */
    boolean hasRoom(int length) {
        return buffered == 0 || buffered + length <= capacity;
    }

    /** A writer: queues the next segment, the first {@code length} bytes of {@code bytes}, which it now owns. */
    void queue(byte[] bytes, int length) {
        unsent.add(new Segment(nextSeq++, bytes, length));
        buffered += length;
        unsentBytes += length;
    }

    // ---- the pump ----

    /**
     * The pump: moves what may be sent at {@code now} into {@code batch}, up to {@code max} segments:
     * retransmissions first, then new segments; starts the timer if it is stopped.
     */
    void collect(List<Segment> batch, int max, long now) {
        while (batch.size() < max && cc.allows(inFlight)) {
            Segment s = lost.peek();
            if (s != null) {
                lost.poll();
                s.queued = false;
                if (s.sacked || s.seq < sndUna || s.inFlight) {
                    continue;
                }
                retransmissions++;
            } else {
                s = unsent.peek();
                if (s == null || s.seq >= edge) {
                    break;
                }
                unsent.poll();
                unsentBytes -= s.length;
                unacked.add(s);
                sndNxt = s.seq + 1;
            }
            s.tx = transmissions++;
            s.inFlight = true;
            inFlight++;
            if (!timerRunning) {
                timerRunning = true;
                deadline = now + rtt.rto();
            }
            batch.add(s);
        }
        publish();
    }

    /**
     * The pump: whether new data waits while nothing is in flight and nothing could be sent: the
     * peer's window is closed (or all of it lost), and only a ping will learn that it opened.
     * Asked right after {@link #collect} found nothing to send.
     */
    boolean stalled() {
        return !unsent.isEmpty() && inFlight == 0;
    }

    /** The pump: whether the retransmission timer runs and has expired at {@code now}. */
    boolean timerExpired(long now) {
        return timerRunning && now - deadline >= 0;
    }

    /** The pump: whether the retransmission timer runs ({@link #deadline()} is then its expiry). */
    boolean timerRunning() {
        return timerRunning;
    }

    /** The pump: when the retransmission timer expires; meaningful while it runs. */
    long deadline() {
        return deadline;
    }

    /**
     * The pump: the retransmission timer expired at {@code now} (RFC 6298 section 5.5): every
     * unacknowledged segment is lost, the window collapses to one segment, the timeout
     * doubles. The timer stops until the next sending.
     */
    void onRetransmissionTimeout(long now) {
        timerRunning = false;
        int lostNow = 0;
        long srttBefore = rtt.srtt();
        for (long seq = sndUna; seq < sndNxt; seq++) {
            Segment s = unacked.get(seq);
            if (s.sacked) {
                continue;
            }
            markLost(s);
            lostNow++;
        }
        if (lostNow > 0) {
            cc.onTimeout(Datagram.Data.timestamp(now), sndNxt);
            rtt.backOff();
            timeouts++;
            burst("timeout", lostNow, srttBefore);
        }
        publish();
    }

    // ---- the receive thread ----

    /**
     * The receive thread: processes an acknowledgement received at {@code now}: cumulative {@code ack}, the peer's
     * {@code window} beyond it, selective {@code ranges}, the timestamp {@code echoed} and the
     * peer's {@code delayMicros} before answering (0 and 0 for a piggybacked ack).
     *
     * @return {@link #IGNORED} for an {@code ack} outside {@code sndUna..sndNxt}, else
     *         {@link #TAKEN}, with {@link #FREED} added when bytes were freed (a writer
     *         waiting for room may go on)
     */
    int onAck(long ack, int window, List<Range> ranges, int echoed, int delayMicros, long now) {
        if (ack < sndUna || ack > sndNxt) {
            return IGNORED;
        }
        edge = Math.max(edge, ack + Math.max(0, window));
        int newly = 0;
        long largestTx = -1;
        boolean freed = false;
        while (sndUna < ack) {
            Segment s = unacked.poll();
            sndUna++;
            if (s.inFlight) {
                inFlight--;
                s.inFlight = false;
            }
            if (!s.sacked) {
                newly++;
                largestTx = Math.max(largestTx, s.tx);
            }
            buffered -= s.length;
            freed = true;
        }
        for (Range r : ranges) {
            for (long seq = Math.max(r.start(), sndUna); seq < Math.min(r.end(), sndNxt); seq++) {
                Segment s = unacked.get(seq);
                if (!s.sacked) {
                    s.sacked = true;
                    if (s.inFlight) {
                        inFlight--;
                        s.inFlight = false;
                    }
                    newly++;
                    largestTx = Math.max(largestTx, s.tx);
                    highestSacked = Math.max(highestSacked, seq);
                }
            }
        }
        int taken = freed ? TAKEN | FREED : TAKEN;
        if (newly == 0) {
            publish();
            return taken;
        }
        if (cc.judgeTimeout(echoed)) {
            spuriousTimeouts++;
        }
        if (echoed != 0) {
            long sample = ((Datagram.Data.timestamp(now) - echoed) & 0xFFFF_FFFFL) - (delayMicros & 0xFFFF_FFFFL);
            if (sample > 0 && sample < MAX_SAMPLE_MICROS) {
                rtt.sample(sample * 1000);
            }
        }
        cc.onAcknowledged(newly, sndUna);
        timerRunning = inFlight > 0;
        deadline = now + rtt.rto();
        if (largestTx > maxAckedTx) {
            maxAckedTx = largestTx;
            detectLosses();
        }
        publish();
        return taken;
    }

    /**
     * {@link #onAck}: packet threshold, what was sent {@value #PACKET_THRESHOLD} transmissions
     * before an acknowledged one is lost.
     */
    private void detectLosses() {
        int lostNow = 0;
        long top = Math.min(highestSacked, sndNxt);
        for (long seq = sndUna; seq < top; seq++) {
            Segment s = unacked.get(seq);
            if (!s.sacked && s.inFlight && s.tx + PACKET_THRESHOLD <= maxAckedTx) {
                markLost(s);
                lostNow++;
            }
        }
        if (lostNow > 0) {
            if (cc.onLoss(sndUna, sndNxt)) {
                lossEvents++;
            }
            burst("fast", lostNow, rtt.srtt());
        }
    }

    /**
     * Records a {@code dev.jarl.UdpRetransmissionBurst}: {@code segments} declared lost at
     * once, and so queued to be sent again, for {@code cause}.
     */
    private void burst(String cause, int segments, long srtt) {
        UdpRetransmissionBurst e = new UdpRetransmissionBurst();
        if (e.shouldCommit()) {
            e.address = peer;
            e.cause = cause;
            e.segments = segments;
            e.rttMicros = srtt / 1000;
            e.window = (long) cc.window();
            e.commit();
        }
    }

    /** Copies the figures for readers without the lock; after every change, under the lock. */
    private void publish() {
        PUBLISHED.setOpaque(published, RTT, rtt.srtt());
        PUBLISHED.setOpaque(published, RTO, rtt.rto());
        PUBLISHED.setOpaque(published, RETRANSMISSIONS, retransmissions);
        PUBLISHED.setOpaque(published, TIMEOUTS, timeouts);
        PUBLISHED.setOpaque(published, LOSS_EVENTS, lossEvents);
        PUBLISHED.setOpaque(published, WINDOW, (long) cc.window());
        PUBLISHED.setOpaque(published, IN_FLIGHT, inFlight);
        PUBLISHED.setOpaque(published, SENT, transmissions);
    }

    /**
     * Any thread, without the lock ({@link UdpConnection#figures()}): the figures as last
     * published, by the names of {@code docs/observability.md}.
     */
    Map<String, Long> figures() {
        return Map.of("rtt_us", get(RTT) / 1000, "rto_us", get(RTO) / 1000, "retransmissions", get(RETRANSMISSIONS),
                "timeouts", get(TIMEOUTS), "loss_events", get(LOSS_EVENTS), "window", get(WINDOW),
                "in_flight", get(IN_FLIGHT), "datagrams_sent", get(SENT));
    }

    private long get(int figure) {
        return (long) PUBLISHED.getOpaque(published, figure);
    }

    /** {@link #onAck} and the timeout: {@code s} leaves the flight and queues for retransmission, once. */
    private void markLost(Segment s) {
        if (s.inFlight) {
            s.inFlight = false;
            inFlight--;
        }
        if (!s.queued) {
            s.queued = true;
            lost.add(s);
        }
    }

    // ---- what it knows ----

    /** The pump and the set-up and close waits: the retransmission timeout now, in nanoseconds. */
    long rto() {
        return rtt.rto();
    }

    /** Any thread, without the lock ({@link UdpConnection#stats}): bytes queued and never sent. */
    long unsentBytes() {
        return unsentBytes;
    }

    /** {@link UdpConnection#snapshot}: what it counted and where its control loops stand. */
    Snapshot snapshot() {
        return new Snapshot(transmissions, retransmissions, timeouts, spuriousTimeouts, lossEvents, cc.window(),
                cc.threshold(), rtt.rto(), rtt.srtt(), inFlight, sndUna, buffered);
    }

    /**
     * The sender's counters and state at one moment.
     *
     * @param datagramsSent    {@code DATA} datagrams handed to the socket, first sendings and retransmissions
     * @param retransmissions  of them, sendings again of a segment declared lost
     * @param timeouts         retransmission timeouts that declared something lost
     * @param spuriousTimeouts of them, those undone as spurious
     * @param lossEvents       window cuts for losses detected from acknowledgements
     * @param cwnd             the congestion window, in segments
     * @param ssthresh         the slow-start threshold, in segments ({@link Double#MAX_VALUE} before the first cut)
     * @param rto              the retransmission timeout, in nanoseconds
     * @param srtt             the smoothed round-trip time, in nanoseconds (0 before a sample)
     * @param inFlight         segments in flight
     * @param acknowledged     segments acknowledged cumulatively ({@code sndUna})
     * @param bufferedBytes    bytes queued or unacknowledged
     */
    record Snapshot(long datagramsSent, long retransmissions, long timeouts, long spuriousTimeouts, long lossEvents,
                    double cwnd, double ssthresh, long rto, long srtt, int inFlight, long acknowledged,
                    long bufferedBytes) {
    }
}
