/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a kind of log line from flooding the log when a peer can cause one per connection:
 * at most {@code burst} lines per interval, and the next line allowed says how many were
 * left out. Thread-safe.
 */
final class LogLimit {

    private final long intervalNanos;
    private final int burst;
    private final ReentrantLock lock = new ReentrantLock();
    private long windowStart;
    private int used;
    private long suppressed;
    private boolean started;

    LogLimit(long intervalNanos, int burst) {
        this.intervalNanos = intervalNanos;
        this.burst = burst;
    }

    /**
     * Whether to log this line: -1 for no, otherwise how many lines were left out since the
     * last one logged.
     */
    long allow() {
        long now = System.nanoTime();
        lock.lock();
        try {
            if (!started || now - windowStart >= intervalNanos) {
                started = true;
                windowStart = now;
                used = 0;
            }
            if (used >= burst) {
                suppressed++;
                return -1;
            }
            used++;
            long left = suppressed;
            suppressed = 0;
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** {@code "; N more since the last report"} for a count from {@link #allow()}, or nothing. */
    static String more(long suppressed) {
        return suppressed > 0 ? "; " + suppressed + " more left out of the log since the last report" : "";
    }
}
