/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import dev.jarl.carrier.CarrierStats;

/**
 * When to write a tick and when a silent peer is declared down: OTP's arithmetic from
 * {@code dist_util:send_tick/2} and {@code need_to_tick/4}, as a pure function of counters.
 *
 * <p><b>The schedule.</b> With {@code net_ticktime} {@code T} and intensity {@code I} (4, as
 * in OTP) the node checks every connection once per tick interval {@code D = T / I}.
 *
 * <p><b>One check</b> compares the carrier's counters with the previous check:
 * <ul>
 *   <li>if the packets-received counter moved, the silent-check count starts again at 0;</li>
 *   <li>otherwise it grows by one, and when it reaches {@code I} the peer is declared down
 *       with reason {@code net_tick_timeout} (that check writes nothing);</li>
 *   <li>a tick is written when nothing was written since the previous check and nothing is
 *       pending, or, on a hidden connection, when nothing was read since the previous check.
 *       A tick written by a check is not counted as "something written" by the next one.</li>
 * </ul>
 * The first check after the connection came up counts as having read and written, so it
 * neither ticks nor counts as silent (OTP's initial {@code #tick{}} record, compared with
 * counters that include the handshake, behaves the same way).
 *
 * <p><b>The window.</b> Let the last packet from the peer arrive at {@code t_r}, seen by the
 * check at {@code t_k} ({@code t_k - D < t_r <= t_k}). The next {@code I} checks see no
 * input, and the last of them, at {@code t_k + I*D = t_k + T}, declares the peer down. So the
 * silence before the verdict lies in {@code [T, T + D)}. A frozen peer that ticked every
 * {@code D} sent its last packet at most {@code D} before it froze, so measured from the
 * freeze the verdict comes after {@code T - D} and before {@code T + D}: 45 s to 75 s at the
 * default 60 s, the window OTP documents for {@code net_ticktime}. A busy connection, which
 * reads at least one packet in every interval, never reaches {@code I} silent checks.
 *
 * <p><b>Echo.</b> OTP never echoes ticks. A foreign node cannot learn its peer's
 * {@code net_ticktime}, so if the peer's is shorter, ticking on our own schedule is not
 * enough on a hidden connection (the peer ticks when it reads nothing and drops us after
 * {@code I} of its own intervals). {@link #echo} answers a received tick with one tick only
 * when nothing was written since the previous received tick: a peer ticking faster than us
 * then always reads something in time, and two nodes that both echo never ping-pong (the
 * node that sent a tick has written since, so it does not echo the answer).
 */
public final class TickPolicy {

    /** OTP's default {@code net_tickintensity}. */
    public static final int DEFAULT_INTENSITY = 4;

    private TickPolicy() {
    }

    /** What one check decided. */
    public enum Action {
        /** Nothing to do. */
        NONE,
        /** Write a tick. */
        TICK,
        /** The peer is not responding: close with {@code net_tick_timeout}. */
        DOWN
    }

    /**
     * The counters remembered between checks.
     *
     * @param lastRead     packets received at the previous check ({@link Long#MIN_VALUE} before the first)
     * @param lastWritten  packets sent at the previous check, plus one if that check ticked
     * @param silentChecks consecutive checks that saw nothing received
     */
    public record State(long lastRead, long lastWritten, int silentChecks) {

        /** The state of a connection that just came up. */
        public static final State INITIAL = new State(Long.MIN_VALUE, Long.MIN_VALUE, 0);
    }

    /**
     * The decision of one check and the state for the next.
     *
     * @param action what to do now
     * @param next   the state to pass to the next check
     */
    public record Decision(Action action, State next) {
    }

    /**
     * One periodic check.
     *
     * @param state     the state from the previous check ({@link State#INITIAL} first)
     * @param now       the carrier's counters now
     * @param intensity checks per {@code net_ticktime} (at least 1)
     * @param hidden    true for a hidden connection (ticks whenever nothing was read)
     */
    public static Decision check(State state, CarrierStats now, int intensity, boolean hidden) {
        if (intensity < 1) {
            throw new IllegalArgumentException("tick intensity: " + intensity + " (expected: at least 1)");
        }
        boolean read = now.packetsReceived() != state.lastRead();
        int silent = read ? 0 : state.silentChecks() + 1;
        if (silent >= intensity) {
            return new Decision(Action.DOWN, new State(now.packetsReceived(), now.packetsSent(), silent));
        }
        boolean wrote = now.packetsSent() != state.lastWritten();
        boolean tick = (!wrote && now.pendingBytes() == 0) || (hidden && !read);
        long written = tick ? now.packetsSent() + 1 : now.packetsSent();
        return new Decision(tick ? Action.TICK : Action.NONE, new State(now.packetsReceived(), written, silent));
    }

    /**
     * Whether to answer a tick that just arrived; see the class comment.
     *
     * @param sentAtPreviousTick packets sent as recorded when the previous tick arrived
     *                           ({@link Long#MIN_VALUE} before the first)
     * @param now                the carrier's counters now
     * @return the value to record for this tick: {@code now.packetsSent()}, plus one when the
     *         caller must write an echo; compare with {@code now.packetsSent()} to decide
     */
    public static long echo(long sentAtPreviousTick, CarrierStats now) {
        boolean silent = now.packetsSent() == sentAtPreviousTick && now.pendingBytes() == 0;
        return silent ? now.packetsSent() + 1 : now.packetsSent();
    }
}
