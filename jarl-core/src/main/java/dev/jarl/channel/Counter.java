/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A statistics counter with one writer at a time: the input party, or whoever holds the
 * output lock. It costs the writer a plain add (an opaque store: no fence), and any thread
 * may read it at any time without a lock; a reader sees each value whole and never a smaller
 * one than it saw before, perhaps not the very latest.
 */
final class Counter {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through VALUE
    private long value;

    /** Adds {@code n}; only the current writer calls it. */
    void add(long n) {
        VALUE.setOpaque(this, (long) VALUE.getOpaque(this) + n);
    }

    /** Sets the value; only the current writer calls it. */
    void set(long n) {
        VALUE.setOpaque(this, n);
    }

    /** The value, from any thread. */
    long get() {
        return (long) VALUE.getOpaque(this);
    }
}
