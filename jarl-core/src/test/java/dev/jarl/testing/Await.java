/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on an event in tests, instead of sleeping a guessed time and then asserting: each
 * method returns as soon as what it waits for has happened, and fails (or returns false)
 * only when the bound runs out, which is generous because it costs nothing when things go
 * right.
 */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; returns its last value. */
    public static boolean within(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.getAsBoolean();
            }
            // real time: polling, since these conditions (a row gone, a list empty) have no event to wait on
            Thread.sleep(2);
        }
        return true;
    }

    /** Waits until {@code condition} holds, failing with {@code what} when {@code timeout} passes first. */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        if (!within(timeout, condition)) {
            throw new AssertionError("not within " + timeout + ": " + what.get());
        }
    }

    /**
     * Checks that {@code condition} holds throughout {@code window}, failing at the first
     * check where it does not: how a test proves that something does <em>not</em> happen
     * (no nodedown, no second DOWN), which takes real time by nature.
     */
    public static void holdsFor(Duration window, BooleanSupplier condition, Supplier<String> what)
            throws InterruptedException {
        if (within(window, () -> !condition.getAsBoolean())) {
            throw new AssertionError(what.get());
        }
    }

    /**
     * Waits until {@code thread} is blocked (waiting or parked), so that what the test does
     * next meets a waiting thread rather than one that has not got there yet.
     */
    public static void blocked(Thread thread, Duration timeout) throws InterruptedException {
        until(timeout, () -> switch (thread.getState()) {
            case WAITING, TIMED_WAITING, BLOCKED -> true;
            case NEW, RUNNABLE, TERMINATED -> false;
        }, () -> thread + " did not block");
    }
}
