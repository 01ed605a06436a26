/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jarl.testing.ErlNode;

class TermParserTest {

    @Test
    void literals() {
        assertEquals(Int.of(42), TermParser.parse("42"));
        assertEquals(Int.of(-7), TermParser.parse("-7"));
        assertEquals(Int.of(255), TermParser.parse("16#ff"));
        assertEquals(Int.of(97), TermParser.parse("$a"));
        assertEquals(Int.of(10), TermParser.parse("$\\n"));
        assertEquals(Int.of(new BigInteger("123456789012345678901234567890")),
                TermParser.parse("123456789012345678901234567890"));
        assertEquals(new Float64(2500.0), TermParser.parse("2.5e3"));
        assertEquals(new Float64(-0.0), TermParser.parse("-0.0"));
        assertEquals(Atom.of("ok"), TermParser.parse("ok"));
        assertEquals(Atom.of("hello world"), TermParser.parse("'hello world'"));
        assertEquals(Atom.of("Elixir.Billing"), TermParser.parse("'Elixir.Billing'"));
        assertEquals(Atom.of("node@host"), TermParser.parse("node@host"));
        assertEquals(TermList.ofString("abc"), TermParser.parse("\"abc\""));
        assertEquals(TermList.NIL, TermParser.parse("[]"));
        assertEquals(Binary.of(new byte[] {1, 2, 'a', 'b'}), TermParser.parse("<<1,2,\"ab\">>"));
        assertEquals(Binary.of("é".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                TermParser.parse("<<\"é\"/utf8>>"));
        assertEquals(Binary.EMPTY, TermParser.parse("<<>>"));
    }

    @Test
    void containers() {
        assertEquals(Tuple.of(Atom.of("ok"), Int.of(1)), TermParser.parse("{ok, 1}"));
        assertEquals(Tuple.EMPTY, TermParser.parse("{}"));
        assertEquals(TermList.of(Int.of(1), Int.of(2), Int.of(3)), TermParser.parse("[1,2,3]"));
        assertEquals(TermList.improper(List.of(Int.of(1)), Int.of(2)), TermParser.parse("[1|2]"));
        assertEquals(TermList.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), TermParser.parse(" [[1, 2, 3]]. "));
        assertEquals(TermMap.of(Map.of(Atom.of("a"), Int.of(1), TermList.ofString("k"), Tuple.EMPTY)),
                TermParser.parse("#{a => 1, \"k\" => {}}"));
    }

    @Test
    void errorsNameWhatAndWhere() {
        TermSyntaxException e = assertThrows(TermSyntaxException.class, () -> TermParser.parse("[1, 2"));
        assertEquals(5, e.position());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
        e = assertThrows(TermSyntaxException.class, () -> TermParser.parse("{ok x}"));
        assertEquals(4, e.position());
        e = assertThrows(TermSyntaxException.class, () -> TermParser.parse("\"abc"));
        assertEquals(0, e.position());
        e = assertThrows(TermSyntaxException.class, () -> TermParser.parse("1 2"));
        assertEquals(2, e.position());
        assertThrows(TermSyntaxException.class, () -> TermParser.parse(""));
        assertThrows(TermSyntaxException.class, () -> TermParser.parse("X"));
        assertThrows(TermSyntaxException.class, () -> TermParser.parse("[".repeat(5000)));
    }

    @Test
    void printedTermsParseBack() {
        Term t = TermParser.parse("{ok, [1, 2 | x], #{<<\"k\">> => -1.5}, 'Quoted Atom', \"str\", 123456789012345678901234567890}");
        assertEquals(t, TermParser.parse(t.toString()));
    }

    @Test
    void agreesWithRealErlang() {
        try (ErlNode erl = ErlNode.builder().start()) {
            for (String expr : List.of("{ok, [1,2,3], <<1,2,255>>}", "'hello world'", "[$a, $b | c]",
                    "#{a => 1, {x} => [2.5, -3]}", "123456789012345678901234567890", "-16#7fffffff",
                    "\"unicode: \\x{1F600}\"", "[]", "{}", "<<>>", "1.0e-300", "[{k, \"v\"}, 'Elixir.Mod']")) {
                ErlNode.Result r = erl.evalResult(expr);
                assertTrue(r.ok(), r.text());
                assertEquals(Etf.decode(r.etf()), TermParser.parse(r.text()), "erl printed " + r.text() + " for " + expr);
            }
        }
    }

    @Test
    void atomsLongerThan255CharactersAreSyntaxErrors() {
        // found by TermParserFuzzTest: the parser threw Atom's IllegalArgumentException
        String bare = "a".repeat(256);
        TermSyntaxException e = assertThrows(TermSyntaxException.class, () -> TermParser.parse(bare));
        assertTrue(e.getMessage().contains("atom of 256 characters (expected: at most 255)"), e.getMessage());
        assertThrows(TermSyntaxException.class, () -> TermParser.parse("['" + "\u00e9".repeat(256) + "']"));
        assertEquals(Atom.of("a".repeat(255)), TermParser.parse("a".repeat(255)));
    }

    @Test
    void controlCharactersPrintAsThreeOctalDigits() {
        // found by TermParserFuzzTest: '\06' printed for NUL then 6 read back as the one character 6
        Atom a = Atom.of("\u00006\u0001");
        assertEquals("'\\0006\\001'", a.toString());
        assertEquals(a, TermParser.parse(a.toString()));
        Term list = TermList.of(TermList.ofString("\u00007"), Binary.of(new byte[] {0, '7'}));
        assertEquals(list, TermParser.parse(list.toString()));
    }

    @Test
    void aBaseOfManyDigitsIsASyntaxError() {
        // found by TermParserFuzzTest: Integer.parseInt's NumberFormatException escaped
        TermSyntaxException e = assertThrows(TermSyntaxException.class, () -> TermParser.parse("1844674407370916551#10"));
        assertTrue(e.getMessage().contains("base 1844674407370916551 (expected: 2..36)"), e.getMessage());
        assertThrows(TermSyntaxException.class, () -> TermParser.parse("-_5"));
        assertEquals(Int.of(255), TermParser.parse("16#ff"));
        assertEquals(Int.of(-1000), TermParser.parse("-1_000"));
    }

    @Test
    void belIsNoEscapeInErlang() {
        // found by TermParserFuzzTest: the printer wrote BEL as \a, which erl (and the parser) read as a
        assertEquals("'\\007a'", Atom.of("\u0007a").toString());
        assertEquals("[7,97]", TermList.ofString("\u0007a").toString());
        assertEquals("\"\\v\\b\\e\\fa\"", TermList.ofString("\u000b\b\u001b\fa").toString());
        Term t = TermList.of(Atom.of("\u0007"), TermList.ofString("\u0007"));
        assertEquals(t, TermParser.parse(t.toString()));
    }
}
