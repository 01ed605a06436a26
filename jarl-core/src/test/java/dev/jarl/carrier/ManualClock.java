/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link NanoClock} a test moves by hand, so that a timer is tested by advancing time
 * instead of waiting for it: {@link #frozen()} stands still until advanced (nothing fires on
 * its own, so what fires is what the test caused); {@link #running()} follows
 * {@link System#nanoTime()} and jumps ahead when advanced (short timers such as delayed
 * acknowledgements keep working, the long ones are skipped). Each {@link #advance} runs the
 * wake-ups registered with {@link #onJump}, so that parties waiting for a deadline look again
 * at once.
 */
public final class ManualClock implements NanoClock {

    private final boolean running;
    private final long origin = System.nanoTime();
    private final AtomicLong offset = new AtomicLong();
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

    private ManualClock(boolean running) {
        this.running = running;
    }

    /** A clock that reads the same until {@link #advance}d. */
    public static ManualClock frozen() {
        return new ManualClock(false);
    }

    /** A clock that runs with {@link System#nanoTime()} and jumps ahead when {@link #advance}d. */
    public static ManualClock running() {
        return new ManualClock(true);
    }

    @Override
    public long nanoTime() {
        return (running ? System.nanoTime() : origin) + offset.get();
    }

    /** Moves the clock {@code by} forward and wakes everyone waiting on it. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("advance: " + by + " (expected: not negative; a clock never goes back)");
        }
        offset.addAndGet(by.toNanos());
        watchers.forEach(Runnable::run);
    }

    @Override
    public Runnable onJump(Runnable wake) {
        watchers.add(wake);
        return () -> watchers.remove(wake);
    }

    /** How many wake-ups are registered (a connection registers one while it lives). */
    public int watchers() {
        return watchers.size();
    }

    @Override
    public String toString() {
        return (running ? "running" : "frozen") + " ManualClock, advanced " + Duration.ofNanos(offset.get());
    }
}
