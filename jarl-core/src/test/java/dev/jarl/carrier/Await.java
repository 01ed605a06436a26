/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a state that nothing announces (a counter another thread moves, a thread's
 * state, a socket's), for the carrier tests. Where the code under test signals an event (a
 * packet delivered, a close reported), tests wait on that instead.
 */
public final class Await {

    /** How long {@link #until(BooleanSupplier)} waits. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Between two looks at the condition. */
    static final long POLL_MS = 2;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails the test when it does not within {@link #TIMEOUT}. */
    public static void until(BooleanSupplier condition) throws InterruptedException {
        until(condition, TIMEOUT, "condition");
    }

    /** Returns once {@code condition} holds; fails the test, naming {@code what}, when it does not within {@code timeout}. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " not met within " + timeout);
            }
            Thread.sleep(POLL_MS); // polling: the state awaited has no signal of its own
        }
    }
}
