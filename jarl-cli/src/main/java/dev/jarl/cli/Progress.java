/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Progress of a long command on a terminal: one line per phase, redrawn in place with its
 * count four times a second while the phase runs, then left as a summary when it ends.
 * Silent when the output is not a terminal, so piped and logged output holds only results.
 *
 * <p>The working thread only stores a count ({@link #set}); a virtual thread draws. Not for
 * more than one phase at a time.
 */
final class Progress implements AutoCloseable {

    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile long done;
    private String phase;
    private String unit;
    private long total;
    private long started;
    private Thread drawer;

    private Progress(PrintStream out) {
        this.out = out;
    }

    /** Progress on standard output when it is a terminal, else one that prints nothing. */
    static Progress onTerminal() {
        return new Progress(isTerminal() ? System.out : null);
    }

    /**
     * True when standard input and output are a terminal. JDK 22 and later return a console
     * even when they are not and tell with {@code Console.isTerminal()}; JDK 21 returns a
     * console only for a terminal. Read reflectively: the CLI compiles for JDK 21.
     */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException jdk21) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Starts a phase of {@code total} {@code unit}s (e.g. "messages"). */
    void start(String name, long total, String unit) {
        if (out == null) {
            return;
        }
        lock.lock();
        try {
            this.phase = name;
            this.unit = unit;
            this.total = total;
            this.done = 0;
            this.started = System.nanoTime();
            draw(false);
        } finally {
            lock.unlock();
        }
        drawer = Thread.ofVirtual().name("jarl-progress").start(this::redraw);
    }

    /** How many of the phase's units are done; cheap enough to call every few hundred units. */
    void set(long count) {
        done = count;
    }

    /** Ends the phase: its line stays with the total and the time taken. */
    void end() {
        if (out == null || phase == null) {
            return;
        }
        stopDrawer();
        lock.lock();
        try {
            done = total;
            draw(true);
            phase = null;
        } finally {
            lock.unlock();
        }
    }

    private void redraw() {
        try {
            while (true) {
                Thread.sleep(REDRAW_NANOS / 1_000_000);
                lock.lock();
                try {
                    if (phase == null) {
                        return;
                    }
                    draw(false);
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException stopped) {
            // the phase ended
        }
    }

    /** Called with the lock held. */
    private void draw(boolean last) {
        double seconds = (System.nanoTime() - started) / 1e9;
        String line = last
                ? String.format(Locale.ROOT, "%s: %d %s in %.1f s", phase, total, unit, seconds)
                : String.format(Locale.ROOT, "%s: %d/%d %s, %.1f s", phase, done, total, unit, seconds);
        out.print("\r" + line + "\u001b[K" + (last ? System.lineSeparator() : ""));
        out.flush();
    }

    private void stopDrawer() {
        Thread t = drawer;
        drawer = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends a phase left running (an error cut it short) with a line break, so the error starts a line. */
    @Override
    public void close() {
        if (out == null || phase == null) {
            return;
        }
        stopDrawer();
        lock.lock();
        try {
            out.println();
            phase = null;
        } finally {
            lock.unlock();
        }
    }
}
