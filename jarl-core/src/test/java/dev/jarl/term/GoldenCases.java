/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** The terms the golden test has a real BEAM encode, with the values Jarl expects. */
final class GoldenCases {

    private GoldenCases() {
    }

    private static final Atom NONODE = Atom.of("nonode@nohost");

    static List<GoldenCase> all() {
        List<GoldenCase> c = new ArrayList<>();
        integers(c);
        floats(c);
        atoms(c);
        lists(c);
        containers(c);
        binaries(c);
        identifiers(c);
        funs(c);
        nesting(c);
        for (LegacyVectors.Vector v : LegacyVectors.ALL) {
            // a real BEAM decodes the hand-written bytes; its re-encoding must match Jarl's
            c.add(GoldenCase.of(v.id(), "binary_to_term(binary:decode_hex(<<\""
                    + HexFormat.of().formatHex(v.bytes()) + "\">>))", v.expected()));
        }
        return c;
    }

    private static void integers(List<GoldenCase> c) {
        List<BigInteger> values = new ArrayList<>();
        BigInteger two = BigInteger.TWO;
        for (long v : new long[] {0, 1, 255, 256, -1, -255, -256, (1L << 27) - 1, -(1L << 27), (1L << 27),
                Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L,
                1L << 40, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1}) {
            values.add(BigInteger.valueOf(v));
        }
        values.add(two.pow(63));
        values.add(two.pow(64).subtract(BigInteger.ONE));
        values.add(two.pow(64));
        values.add(two.pow(64).negate());
        values.add(two.pow(8 * 255).subtract(BigInteger.ONE)); // largest SMALL_BIG
        values.add(two.pow(8 * 255)); // smallest LARGE_BIG
        values.add(two.pow(8 * 255).negate());
        values.add(new BigInteger("7".repeat(1000)));
        values.add(new BigInteger("-" + "9".repeat(1000)));
        for (BigInteger v : values) {
            String id = "int_" + (v.signum() < 0 ? "m" : "") + (v.bitLength() > 70 ? "bits" + v.bitLength() : v.abs().toString());
            c.add(GoldenCase.of(id, v.toString(), Int.of(v)));
        }
    }

    private static void floats(List<GoldenCase> c) {
        String[] literals = {"0.0", "-0.0", "1.0", "-1.5", "0.1", "3.141592653589793", "1.0e15", "1.0e16",
            "123456789.0", "1.0e-300", "5.0e-324", "2.2250738585072014e-308", "1.7976931348623157e308",
            "-1.7976931348623157e308", "6.02214076e23", "1.0e-5", "9007199254740993.0"};
        for (int i = 0; i < literals.length; i++) {
            c.add(GoldenCase.of("float_" + i, literals[i], new Float64(Double.parseDouble(literals[i]))));
        }
    }

    private static String codePoints(String s) {
        return s.codePoints().mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static void atoms(List<GoldenCase> c) {
        String[] names = {"", "ok", "hello world", "\u00e9t\u00e9", "\u65e5\u672c\u8a9e", "\ud83d\ude00smile",
            "a".repeat(255), "\u00e9".repeat(255), "\u4e2d".repeat(255), "true", "EXIT", "nonode@nohost"};
        for (int i = 0; i < names.length; i++) {
            c.add(GoldenCase.of("atom_" + i, "list_to_atom(" + codePoints(names[i]) + ")", Atom.of(names[i])));
        }
    }

    private static TermList ints(IntStream values) {
        return TermList.of(values.mapToObj(Int::of).toList());
    }

    private static void lists(List<GoldenCase> c) {
        c.add(GoldenCase.of("nil", "[]", TermList.NIL));
        c.add(GoldenCase.of("string_abc", "\"abc\"", TermList.ofString("abc")));
        c.add(GoldenCase.of("string_255", "[255, 0]", ints(IntStream.of(255, 0))));
        c.add(GoldenCase.of("list_256", "[256]", ints(IntStream.of(256))));
        c.add(GoldenCase.of("list_neg", "[-1]", ints(IntStream.of(-1))));
        c.add(GoldenCase.of("string_65535", "lists:duplicate(65535, $a)",
                TermList.of(Collections.nCopies(65535, Int.of('a')))));
        c.add(GoldenCase.of("list_65536", "lists:duplicate(65536, $a)",
                TermList.of(Collections.nCopies(65536, Int.of('a')))));
        c.add(GoldenCase.of("list_seq_1000", "lists:seq(1, 1000)", ints(IntStream.rangeClosed(1, 1000))));
        c.add(GoldenCase.of("improper", "[1, 2 | 3]", TermList.improper(List.of(Int.of(1), Int.of(2)), Int.of(3))));
        c.add(GoldenCase.of("improper_atom", "[a | b]", TermList.improper(List.of(Atom.of("a")), Atom.of("b"))));
        c.add(GoldenCase.of("improper_string", "[$a, $b | <<\"c\">>]",
                TermList.improper(List.of(Int.of('a'), Int.of('b')), Binary.of("c"))));
        c.add(GoldenCase.of("list_of_lists", "[[], [[]], \"x\"]",
                TermList.of(TermList.NIL, TermList.of(TermList.NIL), TermList.ofString("x"))));
        c.add(GoldenCase.of("unicode_chars", "[1000, 2000, 128512]", ints(IntStream.of(1000, 2000, 128512))));
    }

    private static void containers(List<GoldenCase> c) {
        c.add(GoldenCase.of("tuple_0", "{}", Tuple.EMPTY));
        c.add(GoldenCase.of("tuple_1", "{ok}", Tuple.of(Atom.OK)));
        c.add(GoldenCase.of("tuple_255", "list_to_tuple(lists:seq(1, 255))",
                Tuple.of(IntStream.rangeClosed(1, 255).mapToObj(Int::of).toList())));
        c.add(GoldenCase.of("tuple_256", "list_to_tuple(lists:seq(1, 256))",
                Tuple.of(IntStream.rangeClosed(1, 256).mapToObj(Int::of).toList())));
        c.add(GoldenCase.of("tuple_70000", "list_to_tuple(lists:duplicate(70000, x))",
                Tuple.of(Collections.nCopies(70000, Atom.of("x")))));
        c.add(GoldenCase.of("map_0", "#{}", TermMap.EMPTY));
        c.add(GoldenCase.of("map_1", "#{a => 1}", Term.map(Atom.of("a"), 1)));
        c.add(GoldenCase.of("map_terms", "#{{a, 1} => [x], <<\"bin\">> => 1.5, 42 => {}, 42.0 => 2, [] => nil}",
                Term.map(Tuple.of(Atom.of("a"), Int.of(1)), TermList.of(Atom.of("x")), "bin", 1.5, 42, Tuple.EMPTY,
                        42.0, 2, TermList.NIL, Atom.of("nil"))));
        for (int n : new int[] {32, 33, 100}) {
            Map<Term, Term> m = new LinkedHashMap<>();
            for (int k = 1; k <= n; k++) {
                m.put(Int.of(k), Tuple.of(Atom.of("v"), Int.of(2 * k)));
            }
            c.add(GoldenCase.of("map_" + n, "maps:from_list([{K, {v, 2 * K}} || K <- lists:seq(1, " + n + ")])",
                    TermMap.of(m)));
        }
        Map<Term, Term> nested = new LinkedHashMap<>();
        for (int k = 0; k < 40; k++) {
            nested.put(Binary.of("key" + k), Term.map(Atom.of("n"), k));
        }
        c.add(GoldenCase.of("map_nested_40",
                "maps:from_list([{list_to_binary(\"key\" ++ integer_to_list(K)), #{n => K}} || K <- lists:seq(0, 39)])",
                TermMap.of(nested)));
    }

    private static void binaries(List<GoldenCase> c) {
        c.add(GoldenCase.of("bin_0", "<<>>", Binary.EMPTY));
        c.add(GoldenCase.of("bin_3", "<<1, 2, 3>>", Binary.of(new byte[] {1, 2, 3})));
        byte[] kb = new byte[1024];
        for (int i = 0; i < kb.length; i++) {
            kb[i] = (byte) (i % 4 + 1);
        }
        c.add(GoldenCase.of("bin_1k", "binary:copy(<<1, 2, 3, 4>>, 256)", Binary.of(kb)));
        c.add(GoldenCase.of("bin_utf8", "unicode:characters_to_binary([104, 233])", Binary.of("h\u00e9")));
        c.add(GoldenCase.of("bits_1", "<<1:1>>", new BitString(new byte[] {(byte) 0x80}, 1)));
        c.add(GoldenCase.of("bits_7", "<<0:7>>", new BitString(new byte[] {0}, 7)));
        c.add(GoldenCase.of("bits_18", "<<255, 3:2>>", new BitString(new byte[] {(byte) 255, (byte) 0xC0}, 2)));
        c.add(GoldenCase.of("compressible", "list_to_tuple(lists:duplicate(200, <<\"aaaaaaaa\">>))",
                Tuple.of(Collections.nCopies(200, Binary.of("aaaaaaaa")))));
    }

    private static void identifiers(List<GoldenCase> c) {
        Atom node = Atom.of("n@h");
        c.add(GoldenCase.shaped("pid_self", "self()",
                t -> t instanceof Pid p && p.node().equals(NONODE) && p.creation() == 0));
        c.add(GoldenCase.shaped("ref_make", "make_ref()",
                t -> t instanceof Ref r && r.node().equals(NONODE) && r.idCount() == 3));
        c.add(GoldenCase.shaped("port_first", "hd(erlang:ports())",
                t -> t instanceof Port p && p.node().equals(NONODE) && p.id() < (1L << 28)));
        c.add(GoldenCase.shaped("gen_call", "{'$gen_call', {self(), make_ref()}, {get, key}}",
                t -> t instanceof Tuple tu && tu.arity() == 3 && tu.get(0).equals(Atom.GEN_CALL)
                        && tu.get(1) instanceof Tuple from && from.get(0) instanceof Pid && from.get(1) instanceof Ref));
        c.add(GoldenCase.of("pid_made", "binary_to_term(<<131, 88, 119, 3, \"n@h\", 5:32, 6:32, 7:32>>)",
                new Pid(node, 5, 6, 7)));
        c.add(GoldenCase.of("pid_max", "binary_to_term(<<131, 88, 119, 3, \"n@h\", -1:32, -1:32, -1:32>>)",
                new Pid(node, -1, -1, -1)));
        c.add(GoldenCase.of("port_28bit", "binary_to_term(<<131, 89, 119, 3, \"n@h\", 16#FFFFFFF:32, 9:32>>)",
                new Port(node, 0xFFFFFFFL, 9)));
        c.add(GoldenCase.of("port_v4", "binary_to_term(<<131, 120, 119, 3, \"n@h\", 16#10000000:64, 9:32>>)",
                new Port(node, 0x10000000L, 9)));
        c.add(GoldenCase.of("port_v4_max", "binary_to_term(<<131, 120, 119, 3, \"n@h\", -1:64, 9:32>>)",
                new Port(node, -1L, 9)));
        c.add(GoldenCase.of("ref_5", "binary_to_term(<<131, 90, 5:16, 119, 3, \"n@h\", 4:32, 1:32, 2:32, 3:32, 4:32, 5:32>>)",
                new Ref(node, 4, new int[] {1, 2, 3, 4, 5})));
    }

    private static void funs(List<GoldenCase> c) {
        c.add(GoldenCase.of("export_fun", "fun lists:map/2",
                new ExportFun(Atom.of("lists"), Atom.of("map"), 2)));
        c.add(GoldenCase.of("export_fun_unicode", "erlang:make_fun(list_to_atom([233, 116, 233]), 'f g', 0)",
                new ExportFun(Atom.of("\u00e9t\u00e9"), Atom.of("f g"), 0)));
        c.add(GoldenCase.shaped("fun_free", "begin X = 5, Y = {ok, <<\"y\">>}, fun(A) -> {A, X, Y} end end",
                t -> t instanceof Fun f && f.arity() == 1 && f.numFree() >= 1 && f.module().name().equals("erl_eval")
                        && f.pid().node().equals(NONODE)));
        c.add(GoldenCase.shaped("fun_nofree", "fun() -> ok end",
                t -> t instanceof Fun f && f.arity() == 0));
    }

    private static void nesting(List<GoldenCase> c) {
        Term list = TermList.NIL;
        Term tuple = Atom.OK;
        for (int i = 0; i < 500; i++) {
            list = TermList.of(list);
            tuple = Tuple.of(tuple, Int.of(i));
        }
        c.add(GoldenCase.of("deep_list_500", "lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 500))", list));
        c.add(GoldenCase.of("deep_tuple_500", "lists:foldl(fun(I, A) -> {A, I} end, ok, lists:seq(0, 499))", tuple));
        c.add(GoldenCase.of("mixed", "{ok, [1, 2.5, <<\"x\">>, #{k => [v]}], {error, 'bad input', -7}}",
                Term.tuple(Atom.OK, Term.list(1, 2.5, "x", Term.map(Atom.of("k"), Term.list(Atom.of("v")))),
                        Term.tuple(Atom.ERROR, Atom.of("bad input"), -7))));
    }
}
