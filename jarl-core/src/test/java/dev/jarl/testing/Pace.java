/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Load spread over real time, for the tests whose subject is time itself: traffic that must
 * span several tick intervals, a flood of connections at a steady rate, a peer that sends a
 * handshake one byte at a time against a timer. Nothing here waits for an event; tests that
 * wait for one use {@link Await}.
 */
public final class Pace {

    /** One step of paced work. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private Pace() {
    }

    /**
     * Runs {@code step} every {@code interval} until {@code done} holds (checked before each
     * step); returns how many steps ran.
     */
    public static int every(Duration interval, BooleanSupplier done, Step step) throws Exception {
        int steps = 0;
        while (!done.getAsBoolean()) {
            step.run();
            steps++;
            // real time: the load must be spread over the interval the test is about
            Thread.sleep(interval);
        }
        return steps;
    }

    /** Runs {@code step} every {@code interval} for {@code duration}; returns how many steps ran. */
    public static int during(Duration duration, Duration interval, Step step) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        return every(interval, () -> System.nanoTime() - end >= 0, step);
    }

    /**
     * Writes {@code bytes} to {@code out} one byte every {@code interval}: a slow peer. Returns
     * normally once all are written; throws when the other side closed first.
     */
    public static void drip(OutputStream out, byte[] bytes, Duration interval) throws IOException, InterruptedException {
        int[] next = {0};
        try {
            every(interval, () -> next[0] == bytes.length, () -> out.write(bytes[next[0]++]));
        } catch (IOException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
