/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.util.Queue;

/** Failures a test injects into code under test, one per call, in order. */
public final class Faults {

    private Faults() {
    }

    /**
     * Throws the next fault of {@code faults} (an {@code IOException}, an {@code Error} such
     * as {@code OutOfMemoryError}, or a runtime exception), or returns when there is none left.
     */
    public static void throwNext(Queue<Throwable> faults) throws IOException {
        Throwable fault = faults.poll();
        switch (fault) {
            case null -> { }
            case IOException e -> throw e;
            case Error e -> throw e;
            case RuntimeException e -> throw e;
            default -> throw new IllegalArgumentException("fault " + fault + " (expected: unchecked or an IOException)");
        }
    }
}
