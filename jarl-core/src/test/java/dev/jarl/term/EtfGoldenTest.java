/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jarl.testing.Otp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden vectors from a real BEAM, both ways, in one {@code erl} run: erl encodes every case
 * with {@code term_to_binary} at minor versions 0, 1 and 2 and compressed; Jarl decodes each
 * to the expected value and re-encodes OTP's minor-2 bytes exactly. Before the run Jarl
 * encodes every expected value (plain and compressed) and erl checks that
 * {@code binary_to_term} of Jarl's bytes is {@code =:=} the value it evaluated.
 */
class EtfGoldenTest {

    /** Every tag OTP 25+ puts on the wire, plus compression and the legacy forms. */
    static final Set<Integer> REQUIRED_TAGS = Set.of(70, 77, 80, 82, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103,
            104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 118, 119, 120);

    private static final HexFormat HEX = HexFormat.of();

    /** What erl printed for one case. */
    record Row(GoldenCase c, byte[] minor0, byte[] minor1, byte[] minor2, byte[] compressed, String verdict) {
        List<byte[]> all() {
            return List.of(minor0, minor1, minor2, compressed);
        }
    }

    private static final Map<String, Row> ROWS = new LinkedHashMap<>();

    @BeforeAll
    static void runErl(@TempDir Path dir) throws IOException {
        Otp.requireErl();
        List<GoldenCase> cases = GoldenCases.all();
        StringBuilder script = new StringBuilder("[\n");
        StringBuilder jarl = new StringBuilder();
        for (int i = 0; i < cases.size(); i++) {
            GoldenCase c = cases.get(i);
            script.append("{<<\"").append(c.id()).append("\">>, ").append(c.erlang()).append('}')
                    .append(i + 1 < cases.size() ? ",\n" : "\n");
            if (c.expected() != null) {
                jarl.append(c.id()).append(' ').append(HEX.formatHex(Etf.encode(c.expected()))).append(' ')
                        .append(HEX.formatHex(Etf.encodeCompressed(c.expected(), 6))).append('\n');
            }
        }
        script.append("].\n");
        Path scriptFile = dir.resolve("cases.script");
        Path jarlFile = dir.resolve("jarl.txt");
        Files.writeString(scriptFile, script, StandardCharsets.US_ASCII);
        Files.writeString(jarlFile, jarl, StandardCharsets.US_ASCII);
        String out = Otp.eval(String.join(",\n",
                "{ok, Cases} = file:script(\"" + scriptFile + "\")",
                "{ok, JB} = file:read_file(\"" + jarlFile + "\")",
                "J = maps:from_list([begin [I, P, Z] = binary:split(L, <<\" \">>, [global]), {I, {P, Z}} end"
                        + " || L <- binary:split(JB, <<\"\\n\">>, [global, trim_all])])",
                "Same = fun(Hex, V) -> try binary_to_term(binary:decode_hex(Hex)) =:= V of true -> <<\"same\">>;"
                        + " false -> <<\"differs\">> catch _:_ -> <<\"badarg\">> end end",
                "H = fun(T, O) -> binary:encode_hex(term_to_binary(T, O)) end",
                "lists:foreach(fun({Id, V}) -> Verdict = case maps:find(Id, J) of"
                        + " {ok, {P, Z}} -> [Same(P, V), <<\"/\">>, Same(Z, V)]; error -> <<\"none\">> end,"
                        + " io:put_chars([Id, $\\s, H(V, [{minor_version, 0}]), $\\s, H(V, [{minor_version, 1}]), $\\s,"
                        + " H(V, [{minor_version, 2}]), $\\s, H(V, [{minor_version, 2}, {compressed, 6}]), $\\s,"
                        + " Verdict, $\\n]) end, Cases)"));
        Map<String, GoldenCase> byId = new LinkedHashMap<>();
        cases.forEach(c -> byId.put(c.id(), c));
        for (String line : out.split("\n")) {
            String[] f = line.split(" ");
            if (f.length != 6 || !byId.containsKey(f[0])) {
                fail("unexpected line from erl: " + (line.length() > 200 ? line.substring(0, 200) + "..." : line));
            }
            ROWS.put(f[0], new Row(byId.get(f[0]), HEX.parseHex(f[1]), HEX.parseHex(f[2]), HEX.parseHex(f[3]),
                    HEX.parseHex(f[4]), f[5]));
        }
        assertEquals(byId.keySet(), ROWS.keySet(), "erl printed a row for every case");
    }

    @Test
    void jarlDecodesWhatOtpWritesToTheExpectedValue() {
        List<String> failures = new ArrayList<>();
        for (Row row : ROWS.values()) {
            GoldenCase c = row.c();
            Term reference = Etf.decode(row.minor2());
            String[] names = {"minor 0", "minor 1", "minor 2", "compressed"};
            for (int i = 0; i < 4; i++) {
                Term decoded = Etf.decode(row.all().get(i));
                Term want = c.expected() != null ? c.expected() : reference;
                if (!want.equals(decoded)) {
                    failures.add(c.id() + " " + names[i] + ": decoded " + abbreviate(decoded) + ", expected " + abbreviate(want));
                }
                if (!c.check().test(decoded)) {
                    failures.add(c.id() + " " + names[i] + ": unexpected shape " + abbreviate(decoded));
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * OTP 26 and later write every port as V4_PORT_EXT (tag 120), where OTP 25 writes
     * NEW_PORT_EXT (89) when the id fits in 32 bits. Jarl writes what OTP 25 writes, which every
     * release decodes; against a newer release such terms are compared by value, not bytes.
     */
    private static boolean releaseWritesPortsDifferently(Term t) {
        return Integer.parseInt(dev.jarl.testing.Otp.release()) >= 26 && containsPort(t);
    }

    /**
     * Iterative, as the vectors nest far deeper than the Java stack allows, and visiting each
     * shared subterm once, as some vectors share subterms so widely that walking every path
     * would never end.
     */
    private static boolean containsPort(Term root) {
        java.util.ArrayDeque<Term> todo = new java.util.ArrayDeque<>();
        java.util.Set<Term> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.push(root);
        while (!todo.isEmpty()) {
            Term next = todo.pop();
            if (!seen.add(next)) {
                continue;
            }
            switch (next) {
                case Port p -> {
                    return true;
                }
                case Tuple tuple -> tuple.elements().forEach(todo::push);
                case TermList list -> {
                    list.elements().forEach(todo::push);
                    todo.push(list.tail());
                }
                case TermMap map -> map.entries().forEach(e -> {
                    todo.push(e.getKey());
                    todo.push(e.getValue());
                });
                case Fun fun -> fun.freeVars().forEach(todo::push);
                default -> {
                }
            }
        }
        return false;
    }

    @Test
    void jarlReencodesOtpBytesExactly() {
        List<String> failures = new ArrayList<>();
        for (Row row : ROWS.values()) {
            if (!row.c().canonical() || releaseWritesPortsDifferently(Etf.decode(row.minor2()))) {
                continue;
            }
            byte[] again = Etf.encode(Etf.decode(row.minor2()));
            if (!java.util.Arrays.equals(row.minor2(), again)) {
                failures.add(row.c().id() + ": OTP " + abbreviate(HEX.formatHex(row.minor2())) + "\n   Jarl "
                        + abbreviate(HEX.formatHex(again)));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void expectedValuesEncodeToOtpBytesWhereOrderIsFixed() {
        // maps built in Java keep Java's order, so only map-free expectations must match byte for byte
        List<String> failures = new ArrayList<>();
        for (Row row : ROWS.values()) {
            Term want = row.c().expected();
            if (want == null || want.toString().contains("#{") || releaseWritesPortsDifferently(want)) {
                continue;
            }
            if (!java.util.Arrays.equals(row.minor2(), Etf.encode(want))) {
                failures.add(row.c().id());
            }
        }
        assertTrue(failures.isEmpty(), "Jarl's encoding differs from OTP's for " + failures);
    }

    @Test
    void otpDecodesJarlsEncodingToTheSameTerm() {
        List<String> failures = new ArrayList<>();
        for (Row row : ROWS.values()) {
            String want = row.c().expected() == null ? "none" : "same/same";
            if (!row.verdict().equals(want)) {
                failures.add(row.c().id() + ": " + row.verdict());
            }
        }
        assertTrue(failures.isEmpty(), "binary_to_term of Jarl's bytes (plain/compressed): " + failures);
    }

    @Test
    void handWrittenLegacyVectorsDecode() {
        for (LegacyVectors.Vector v : LegacyVectors.ALL) {
            assertEquals(v.expected(), Etf.decode(v.bytes()), v.id());
        }
        TermReader r = new TermReader(LegacyVectors.ATOM_CACHE_REF, 0, LegacyVectors.ATOM_CACHE_REF.length);
        r.setAtomCache(new Atom[] {Atom.of("x"), Atom.of("y")});
        r.readVersion();
        assertEquals(Atom.of("y"), r.read());
    }

    @Test
    void everyTagOccursInTheVectors() {
        Set<Integer> seen = new TreeSet<>();
        for (Row row : ROWS.values()) {
            for (byte[] bytes : row.all()) {
                tags(bytes, null, seen);
            }
        }
        for (LegacyVectors.Vector v : LegacyVectors.ALL) {
            tags(v.bytes(), null, seen);
        }
        tags(LegacyVectors.ATOM_CACHE_REF, new Atom[] {Atom.of("x"), Atom.of("y")}, seen);
        Set<Integer> missing = new TreeSet<>(REQUIRED_TAGS);
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), "tags never seen: " + missing + " (seen: " + seen + ")");
    }

    @Test
    void compressedVectorsReallyCompress() {
        Row row = ROWS.get("compressible");
        assertEquals(80, row.compressed()[1] & 0xFF, "OTP compressed it");
        byte[] jarl = Etf.encodeCompressed(row.c().expected(), 6);
        assertEquals(80, jarl[1] & 0xFF, "Jarl compressed it");
        assertTrue(jarl.length < row.minor2().length / 4, "compressed to " + jarl.length);
        assertArrayEquals(row.minor2(), Etf.encode(Etf.decode(jarl)));
    }

    private static void tags(byte[] bytes, Atom[] cache, Set<Integer> seen) {
        TermReader r = new TermReader(bytes, 0, bytes.length);
        r.setAtomCache(cache);
        r.tagListener(seen::add);
        r.readVersion();
        r.read();
    }

    static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "...(" + s.length() + " chars)" : s;
    }
}
