/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jarl.term.Etf;
import dev.jarl.term.TermDecodeException;

class TermDecoderFuzzTest {

    @FuzzTest
    void decode(byte[] input) {
        try {
            Etf.decode(input);
        } catch (TermDecodeException expected) {
            // the documented failure
        }
    }
}
