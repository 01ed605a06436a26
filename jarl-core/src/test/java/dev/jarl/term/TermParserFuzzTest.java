/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Fuzzes the Erlang-syntax parser (text from users and {@code jarl} command lines). For every
 * input: a term or a {@link TermSyntaxException}, nothing else; and a parsed term printed
 * with {@code toString} parses back to an equal term.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class TermParserFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Term t;
        try {
            t = TermParser.parse(text);
        } catch (TermSyntaxException documented) {
            return;
        }
        assertEquals(t, TermParser.parse(t.toString()), () -> "printed as " + t);
        assertEquals(t, Etf.decode(Etf.encode(t)));
    }
}
