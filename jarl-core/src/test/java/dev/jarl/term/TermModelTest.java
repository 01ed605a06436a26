/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The term values: equality, conversions, invariants, printing. */
class TermModelTest {

    @Test
    void integersAreCanonical() {
        assertEquals(Int.of(5), Int.of(BigInteger.valueOf(5)));
        assertTrue(Int.of(BigInteger.valueOf(Long.MIN_VALUE)).isLong());
        assertFalse(Int.of(BigInteger.TWO.pow(63)).isLong());
        assertSame(Int.of(7), Int.of(7));
        assertEquals(Long.MAX_VALUE, Int.of(Long.MAX_VALUE).longValue());
        assertThrows(ArithmeticException.class, () -> Int.of(BigInteger.TWO.pow(64)).longValue());
        assertThrows(ArithmeticException.class, () -> Int.of(1L << 40).intValue());
        assertEquals(BigInteger.TWO.pow(64), Int.of(BigInteger.TWO.pow(64)).bigValue());
        assertEquals(Int.of(BigInteger.TWO.pow(64)).hashCode(), Int.of(BigInteger.TWO.pow(64)).hashCode());
    }

    @Test
    void exactEqualityAsOtp27() {
        assertNotEquals(Int.of(1), new Float64(1.0));
        assertNotEquals(new Float64(0.0), new Float64(-0.0));
        assertTrue(Int.of(1).compareTo(new Float64(1.0)) < 0, "integer first on a tie");
        assertTrue(new Float64(-0.0).compareTo(new Float64(0.0)) < 0);
        assertTrue(new Float64(0.5).compareTo(Int.of(1)) < 0);
        assertTrue(Int.of(2).compareTo(new Float64(1.5)) > 0);
        assertThrows(IllegalArgumentException.class, () -> new Float64(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Float64(Double.NEGATIVE_INFINITY));
        // a set keeps both 1 and 1.0, sorted integer first
        TreeSet<Term> set = new TreeSet<>(List.of(new Float64(1.0), Int.of(1), Atom.OK, TermList.NIL));
        assertEquals(List.of(Int.of(1), new Float64(1.0), Atom.OK, TermList.NIL), new ArrayList<>(set));
    }

    @Test
    void mapsCompareByContent() {
        Map<Term, Term> ab = new LinkedHashMap<>();
        ab.put(Atom.of("a"), Int.of(1));
        ab.put(Atom.of("b"), Int.of(2));
        Map<Term, Term> ba = new LinkedHashMap<>();
        ba.put(Atom.of("b"), Int.of(2));
        ba.put(Atom.of("a"), Int.of(1));
        TermMap x = TermMap.of(ab);
        TermMap y = TermMap.of(ba);
        assertEquals(x, y);
        assertEquals(x.hashCode(), y.hashCode());
        assertEquals(0, x.compareTo(y));
        assertEquals("#{a => 1,b => 2}", x.toString());
        assertEquals("#{b => 2,a => 1}", y.toString(), "insertion order kept");
        assertEquals(Int.of(2), x.get(Atom.of("b")));
        assertNull(x.get(Atom.of("c")));
        assertEquals(Int.of(1), Term.map(1, 1, 1.0, 2).get(Int.of(1)), "1 and 1.0 are two keys");
        assertEquals(Int.of(2), Term.map(1, 1, 1.0, 2).get(new Float64(1.0)));
        assertThrows(IllegalArgumentException.class, () -> Term.map("k", 1, "k", 2));
        // large maps use a hash index
        Map<Term, Term> big = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            big.put(Binary.of("k" + i), Int.of(i));
        }
        TermMap m = TermMap.of(big);
        assertEquals(Int.of(42), m.get("k42"));
        assertNull(m.get("k100"));
        Map<Term, Term> reversed = new LinkedHashMap<>();
        List<Map.Entry<Term, Term>> entries = new ArrayList<>(big.entrySet());
        Collections.reverse(entries);
        entries.forEach(e -> reversed.put(e.getKey(), e.getValue()));
        assertEquals(m, TermMap.of(reversed));
    }

    @Test
    void listsMergeListTailsAndKnowStrings() {
        assertEquals(TermList.of(Int.of(1), Int.of(2)), TermList.improper(List.of(Int.of(1)), TermList.of(Int.of(2))));
        assertTrue(TermList.improper(List.of(Int.of(1)), TermList.NIL).isProper());
        assertThrows(IllegalArgumentException.class, () -> TermList.improper(List.of(), Int.of(1)));
        TermList improper = TermList.improper(List.of(Int.of(1), Int.of(2)), Int.of(3));
        assertFalse(improper.isProper());
        assertEquals(Int.of(3), improper.tail());
        assertEquals("[1,2|3]", improper.toString());
        assertSame(TermList.NIL, TermList.NIL.tail());
        assertEquals(Optional.of("h\u00e9\ud83d\ude00"), TermList.ofString("h\u00e9\ud83d\ude00").asString());
        assertEquals(Optional.of(""), TermList.NIL.asString());
        assertEquals(Optional.empty(), TermList.of(Int.of(0xD800)).asString());
        assertEquals(Optional.empty(), TermList.of(Atom.OK).asString());
        assertEquals("\"abc\"", TermList.ofString("abc").toString());
        assertThrows(UnsupportedOperationException.class, () -> TermList.ofString("a").elements().add(Atom.OK));
    }

    @Test
    void binariesAndBitStrings() {
        byte[] source = {1, 2, 3};
        Binary b = Binary.of(source);
        source[0] = 9;
        assertEquals(1, b.byteAt(0), "copied in");
        b.bytes()[1] = 9;
        assertEquals(2, b.byteAt(1), "copied out");
        byte[] wide = {0, 1, 2, 3, 0};
        assertEquals(b, Binary.share(wide, 1, 3), "a window equals a copy");
        assertEquals(b.hashCode(), Binary.share(wide, 1, 3).hashCode());
        assertEquals("<<1,2,3>>", b.toString());
        assertEquals("<<\"hi\">>", Binary.of("hi").toString());
        assertEquals("h\u00e9", Binary.of("h\u00e9").utf8());
        BitString bits = new BitString(new byte[] {(byte) 0xFF}, 3);
        assertEquals(new BitString(new byte[] {(byte) 0xE0}, 3), bits, "unused bits are cleared");
        assertEquals(3, bits.bitSize());
        assertEquals("<<7:3>>", bits.toString());
        assertThrows(IllegalArgumentException.class, () -> new BitString(new byte[] {1}, 8));
        assertThrows(IllegalArgumentException.class, () -> new BitString(new byte[0], 1));
        assertNotEquals(Binary.of(new byte[] {0}), new BitString(new byte[] {0}, 7));
    }

    @Test
    void identifiers() {
        int[] ids = {1, 2, 3};
        Ref r = new Ref(Atom.of("a@b"), 1, ids);
        ids[0] = 9;
        assertEquals(1, r.id(0), "defensive copy");
        assertEquals(new Ref(Atom.of("a@b"), 1, new int[] {1, 2, 3}), r);
        assertEquals("#Ref<a@b.3.2.1>", r.toString());
        assertThrows(IllegalArgumentException.class, () -> new Ref(Atom.of("a@b"), 1, new int[6]));
        assertThrows(IllegalArgumentException.class, () -> new Ref(Atom.of("a@b"), 1, new int[0]));
        assertEquals("<a@b.12.0>", new Pid(Atom.of("a@b"), 12, 0, 1).toString());
        assertEquals("#Port<a@b.7>", new Port(Atom.of("a@b"), 7, 1).toString());
        assertEquals("fun lists:map/2", new ExportFun(Atom.of("lists"), Atom.of("map"), 2).toString());
        assertEquals(Atom.of("jarl@localhost"), NodeName.parse("jarl@localhost").atom());
    }

    @Test
    void atoms() {
        assertSame(Atom.of("ok"), Atom.OK);
        for (int i = 0; i < 100_000; i++) {
            Atom.of("filler_" + i); // collides with every slot of the cache many times over
        }
        assertSame(Atom.of("ok"), Atom.OK, "a well-known atom was evicted from the cache");
        assertSame(Atom.of("$gen_call"), Atom.GEN_CALL);
        assertSame(Atom.OK, Etf.decode(Etf.encode(Atom.OK)), "the decoder finds the pinned atom too");
        assertSame(Atom.of("cached_now"), Atom.of("cached_now"), "the second call hits the cache");
        assertEquals("'hello world'", Atom.of("hello world").toString());
        assertEquals("'EXIT'", Atom.EXIT.toString());
        assertEquals("''", Atom.of("").toString());
        assertEquals("'it\\'s'", Atom.of("it's").toString());
        assertEquals("'receive'", Atom.of("receive").toString());
        new Atom("\ud83d\ude00".repeat(255));
        assertThrows(IllegalArgumentException.class, () -> new Atom("a".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> Atom.of("\ud83d\ude00".repeat(256)));
        assertTrue(Atom.of("\uffff").compareTo(Atom.of("\ud83d\ude00")) < 0, "code point order, not UTF-16 order");
    }

    @Test
    void decodedAtomsAreTheirBytesEvenWhenOnlyTheMiddleDiffers() {
        List<Term> atoms = new ArrayList<>();
        for (String middle : new String[] {"A", "B", "AB", "", "\u00e9", "C"}) {
            atoms.add(Atom.of("Elixir.MyApp." + middle + ".Worker.Supervisor"));
            atoms.add(Atom.of("k" + middle));
        }
        for (int round = 0; round < 3; round++) {
            assertEquals(TermList.of(atoms), Etf.decode(Etf.encode(TermList.of(atoms))), "round " + round);
        }
    }

    @Test
    void fromAndToJava() {
        Term t = Term.of(List.of("s", 1, 2L, (short) 3, (byte) 4, BigInteger.TEN.pow(30), 1.5, 2.5f, true,
                new byte[] {7}, Map.of("k", List.of()), new Object[] {Atom.OK, 1}));
        assertEquals("[<<\"s\">>,1,2,3,4,1000000000000000000000000000000,1.5,2.5,true,<<7>>,#{<<\"k\">> => []},{ok,1}]",
                t.toString());
        List<?> back = (List<?>) t.toJava();
        assertEquals(1L, back.get(1));
        assertEquals(BigInteger.TEN.pow(30), back.get(5));
        assertEquals(Boolean.TRUE, back.get(8));
        assertArrayEquals(new byte[] {7}, (byte[]) back.get(9));
        assertEquals(List.of(), ((Map<?, ?>) back.get(10)).values().iterator().next());
        assertArrayEquals(new Object[] {Atom.OK, 1L}, (Object[]) back.get(11));
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> Term.of(null));
        assertTrue(nul.getMessage().startsWith("Term.of: null"), nul.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Term.of(new Object()));
        assertEquals(Tuple.of(Atom.OK, Int.of(1)), Term.tuple(Atom.OK, 1));
        assertEquals(Atom.of("x"), Term.atom("x"));
        assertEquals(Int.of(3), Term.integer(3));
        assertEquals(TermList.of(Binary.of("a")), Term.list("a"));
    }

    @Test
    void floatsPrintShortest() {
        assertEquals("1.0", new Float64(1.0).toString());
        assertEquals("-0.0", new Float64(-0.0).toString());
        assertEquals("1.0e6", new Float64(1e6).toString());
        assertEquals("100.0", new Float64(100).toString());
        assertEquals("5.0e-324", new Float64(Double.MIN_VALUE).toString());
        assertEquals("1.0e23", new Float64(1e23).toString());
        assertEquals("1.23e-4", new Float64(1.23e-4).toString());
    }
}
