/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the term decoder (external term format from a peer). For every input: a term or a
 * {@link TermDecodeException}, nothing else; and a term that decodes re-encodes to bytes that
 * decode to an equal term, which also compares, hashes and prints. Compressed terms inflate
 * to at most 1 MiB here, so every run stays small. See docs/fuzzing.md for how to fuzz;
 * without {@code JAZZER_FUZZ} the committed corpus runs as a regression test.
 */
class TermDecoderFuzzTest {

    private static final DecodeLimits LIMITS = DecodeLimits.DEFAULT.withMaxUncompressedSize(1 << 20);

    @FuzzTest
    void decode(byte[] input) {
        Term t;
        try {
            t = Etf.decode(input, 0, input.length, LIMITS);
        } catch (TermDecodeException documented) {
            return;
        }
        Term again = Etf.decode(Etf.encode(t), 0, Etf.encode(t).length, LIMITS);
        assertEquals(t, again);
        assertEquals(t.hashCode(), again.hashCode());
        assertEquals(0, t.compareTo(again));
        assertEquals(t.toString(), again.toString());
    }
}
