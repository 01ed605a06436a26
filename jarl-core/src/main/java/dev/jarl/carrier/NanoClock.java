/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

/**
 * The monotonic clock a carrier's timers follow (retransmission timeout, acknowledgement
 * delay, keepalive, idle timeout), in nanoseconds: {@link #SYSTEM} in production, and in
 * tests a clock the test moves forward, so that a timer is tested by advancing time instead
 * of waiting for it. A carrier reads the time from its clock only and passes it down as an
 * argument to the pure code that decides (Aeron's {@code NanoClock} and {@code nowNs}).
 *
 * <p>Like {@link System#nanoTime()}, a reading means something only as a difference from
 * another reading of the same clock; readings never go back. A clock may also jump forward
 * (a test advancing it): a party that waits for a deadline on the clock then has to look
 * again at once, so a clock that can jump runs the wake-ups registered with
 * {@link #onJump} after each jump.
 *
 * <p>Implementations are thread-safe: every party of a connection reads the clock.
 */
public interface NanoClock {

    /** {@link System#nanoTime()}, which never jumps. */
    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String toString() {
            return "NanoClock.SYSTEM";
        }
    };

    /** The time now, in nanoseconds from an arbitrary origin fixed for this clock. */
    long nanoTime();

    /**
     * Registers {@code wake}, which this clock runs after each jump forward, on the thread
     * that moved it, until the returned handle is run. A party that waits for a deadline on
     * this clock registers a {@code wake} that wakes it (signals the condition it waits on).
     * {@code wake} must not block for long.
     *
     * <p>The default, for a clock that never jumps (as {@link #SYSTEM}), keeps nothing.
     *
     * @return what unregisters {@code wake}; running it twice is harmless
     */
    default Runnable onJump(Runnable wake) {
        return () -> {
        };
    }
}
