/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.jarl.testing.NotReleaseSpecific;

/** {@link NodeConfig#readSpin()}: zero by default, zero to 10 ms accepted, anything else refused naming the range. */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class ReadSpinConfigTest {

    private static NodeConfig.Builder builder() {
        return NodeConfig.builder("spin@localhost").cookie("c");
    }

    @Test
    void zeroByDefaultAndUpTo10MsAccepted() {
        assertEquals(Duration.ZERO, builder().build().readSpin());
        assertEquals(Duration.ofMillis(10), builder().readSpin(Duration.ofMillis(10)).build().readSpin());
        assertEquals(Duration.ofNanos(50_000), builder().readSpin(Duration.ofNanos(50_000)).build().readSpin());
    }

    @Test
    void negativeLongerOrNullRefused() {
        assertEquals("readSpin: PT-0.000001S (expected: 0 to 10 ms)", assertThrows(IllegalArgumentException.class,
                () -> builder().readSpin(Duration.ofNanos(-1000)).build()).getMessage());
        assertEquals("readSpin: PT0.010000001S (expected: 0 to 10 ms)", assertThrows(IllegalArgumentException.class,
                () -> builder().readSpin(Duration.ofNanos(10_000_001)).build()).getMessage());
        assertThrows(NullPointerException.class, () -> builder().readSpin(null));
    }
}
