/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Review finding 11: text a peer controls cannot break, forge or colour a log line, and a
 * node name cannot carry a control character at all.
 */
class PrintableTest {

    @Test
    void controlsAreEscapedAsErlangEscapesThem() {
        assertEquals("x\\njarl: severe: FAKE ENTRY\\e[31m@h", Printable.escape("x\njarl: severe: FAKE ENTRY\u001b[31m@h"));
        // as erl prints them: io:format("~p", [list_to_atom([7,0,31,127])]) gives '\007\000\037\d'
        assertEquals("\\r\\t\\v\\b\\f\\007\\d\\000\\037", Printable.escape("\r\t\u000b\b\f\u0007\u007f\u0000\u001f"));
        assertEquals("C1 \\233[31m", Printable.escape("C1 \u009b[31m"));
        assertEquals("a\\\\b", Printable.escape("a\\b"));
        assertEquals("abc\\x{202E}def\\x{2028}", Printable.escape("abc\u202edef\u2028"));
        assertEquals("plain text, é and ü kept", Printable.escape("plain text, é and ü kept"));
        assertEquals("null", Printable.escape(null));
    }

    @Test
    void longTextIsCut() {
        String s = Printable.escape("y".repeat(10_000));
        assertEquals(Printable.MAX_CHARACTERS + 3, s.length());
        assertTrue(s.endsWith("..."));
    }

    @Test
    void atomsAndStringsPrintEscaped() {
        assertEquals("'a\\233b'", Atom.of("a\u009bb").toString());
        assertEquals("'a\\n\\eb\\d'", Atom.of("a\n\u001bb\u007f").toString());
        assertEquals("\"a\\eb\"", TermList.of(Int.of('a'), Int.of(27), Int.of('b')).toString());
    }

    @Test
    void nodeNamesRefuseControlCharactersAndShowThemEscaped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeName.parse("x\njarl: FAKE\u001b[31m@localhost"));
        assertEquals("node name: 'x\\njarl: FAKE\\e[31m@localhost' has a control character at index 1 (expected: none)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NodeName("a", "h\u0085"));
        assertThrows(IllegalArgumentException.class, () -> new NodeName("a\u007f", "h"));
        e = assertThrows(IllegalArgumentException.class, () -> NodeName.parse("no-at\u001b[2J"));
        assertEquals("node name: 'no-at\\e[2J' has no '@' (expected: name@host)", e.getMessage());
        assertEquals("ok@h", NodeName.parse("ok@h").toString());
    }
}
