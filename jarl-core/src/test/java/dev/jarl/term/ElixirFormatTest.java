/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jarl.testing.Elixir;
import dev.jarl.testing.ReleaseMatrix;

/**
 * The Elixir printer against Elixir 1.14's own {@code inspect/2}: each expression below is
 * evaluated by a real {@code elixir}, which sends back the term ({@code term_to_binary}) and
 * how it inspects it with no limits, with the default limits, and with tiny ones; the Java
 * side decodes the term and must print the same three texts.
 */
class ElixirFormatTest {

    /** Elixir expressions, one a line; the structs are defined by the script (fields in key order). */
    private static final String EXPRESSIONS = """
            :ok
            nil
            true
            :"hello world"
            :"Elixir.Foo.bar"
            Foo.Bar
            Elixir
            :"Elixir.Elixir.Foo"
            :+
            :"::"
            :..
            :"//"
            :\\\\
            :when
            :foo@bar
            :Foo
            :ok?
            :"ok?x"
            :_
            :_foo1
            :héllo
            :Ölbaum
            :"aя"
            :日本語
            :"with\\"quote"
            :"a\\nb"
            :""
            :%{}
            :"é\\u0301"
            0
            -1
            Integer.pow(2, 100)
            -Integer.pow(3, 50)
            1.0
            0.1
            1.0e16
            1.0e15
            123456789.0
            1.5e-7
            -0.0
            1.0e300
            -2.5
            "hello"
            ""
            "a\\nb\\tc"
            "quote\\"s and \\\\ backslash"
            "\\#{x} and #"
            "é日本 😀"
            "\\d\\a\\e\\v\\f\\b"
            <<0xFEFF::utf8, ?a>>
            <<0>>
            <<1, 2, 3>>
            <<255>>
            <<"abc", 200>>
            String.duplicate("ab", 30)
            <<1::3>>
            <<1, 2::size(3)>>
            'abc'
            'a\\nb'
            'it\\'s'
            [7, 8, 9, 27]
            '\\#{x}'
            [0 | 'abc']
            [1000, 97]
            []
            [1, 2, 3]
            [1 | 2]
            [1, 2 | 3]
            [a: 1, b: "x"]
            [{:a, 1}, {:b, 2}, 3]
            [{Foo, 1}]
            [{:"a b", 1}, {nil, 2}, {:+, 3}, {Elixir, 4}]
            Enum.to_list(1..60)
            [[1, 2, 3], [4, 5, 6], 'ab']
            {}
            {1}
            {:ok, "x", [a: 1]}
            List.to_tuple(Enum.to_list(1..60))
            %{}
            %{a: 1, b: 2}
            %{"a" => 1, "b" => [1, 2]}
            %{1 => 2, :a => 3}
            %{Foo => 1}
            %{{1, 2} => %{c: 'xy'}}
            Map.new(1..40, &{&1, &1 * 2})
            Map.new(1..40, &{:"k#{&1}", &1})
            %User{age: 3, name: "Ann"}
            %MyError{message: "boom"}
            %{__struct__: :not_elixir, a: 1}
            1..10
            10..1//-1
            1..10//2
            MapSet.new([3, 1, 2])
            MapSet.new(['ab', :x])
            MapSet.new()
            ~D[2024-01-31]
            ~D[-0001-01-01]
            ~T[12:34:56]
            ~T[12:34:56.120]
            ~N[2024-01-31 12:34:56.000001]
            ~U[2024-01-31 12:34:56Z]
            %DateTime{year: 2024, month: 1, day: 31, hour: 12, minute: 0, second: 0, microsecond: {5, 3}, time_zone: "Europe/Paris", zone_abbr: "CET", utc_offset: 3600, std_offset: 0, calendar: Calendar.ISO}
            %DateTime{year: 2015, month: 2, day: 28, hour: 1, minute: 2, second: 3, microsecond: {0, 0}, time_zone: "America/Los_Angeles", zone_abbr: "PDT", utc_offset: -28800, std_offset: 3600, calendar: Calendar.ISO}
            Date.range(~D[2024-01-01], ~D[2024-01-31])
            Date.range(~D[2024-01-01], ~D[2024-01-31], 2)
            &Enum.map/2
            &:lists.reverse/1
            &:erlang.+/2
            &:erlang.==/2
            [user: %User{age: nil, name: 'x'}, range: 1..3, set: MapSet.new([[a: 1]])]
            "abcdef" <> <<255>>
            [1, 2, 3, 4 | 5]
            [1, 2 | 3]
            [[1, 2, 3, 4], {1, 2, 3, 4}, %{a: 1, b: 2, c: 3, d: 4}, <<1, 2, 3, 4>>]
            [a: [b: [c: [d: 1]]]]
            "ab\\#{cdefg"
            {:error, %MyError{message: "x"}, [1, 2, 3, 4 | 5]}
            %{list: Enum.to_list(1..5), bin: <<1, 2, 3, 4, 5, 6>>, map: %{a: %{b: %{c: 1}}}}
            """;

    private static final String SCRIPT = """
            defmodule User do
              defstruct [:age, :name]
            end

            defmodule MyError do
              defexception [:message]
            end

            for line <- String.split(System.get_env("JARL_EXPRESSIONS"), "\\n", trim: true) do
              {term, _} = Code.eval_string(Base.decode64!(line))
              out = [
                :erlang.term_to_binary(term),
                inspect(term, limit: :infinity, printable_limit: :infinity),
                inspect(term),
                inspect(term, limit: 3, printable_limit: 5)
              ]
              IO.puts(Enum.map_join(out, " ", &Base.encode64/1))
            end
            """;

    @Test
    void printsAsElixir114InspectsWithAndWithoutLimits() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // the machine's Elixir 1.14 whatever the release under test
        assertTrue(Elixir.require().startsWith("1.14"), "the reference is Elixir 1.14, found " + Elixir.require());
        List<String> sources = EXPRESSIONS.lines().filter(l -> !l.isBlank()).toList();
        StringBuilder encoded = new StringBuilder();
        for (String s : sources) {
            encoded.append(Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        String output = runWithEnv(encoded.toString());
        List<String> lines = output.lines().toList();
        assertEquals(sources.size(), lines.size(), "one line per expression:\n" + output);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            String[] f = lines.get(i).split(" ");
            Term term = Etf.decode(Base64.getDecoder().decode(f[0]));
            check(mismatches, sources.get(i), "no limits", decode(f[1]), ElixirFormat.inspect(term));
            check(mismatches, sources.get(i), "default limits", decode(f[2]),
                    ElixirFormat.inspect(term, ElixirFormat.DEFAULT_LIMIT, ElixirFormat.DEFAULT_PRINTABLE_LIMIT));
            check(mismatches, sources.get(i), "limit 3, printable_limit 5", decode(f[3]), ElixirFormat.inspect(term, 3, 5));
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " differences from Elixir:\n" + String.join("\n", mismatches));
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static void check(List<String> mismatches, String source, String options, String elixir, String jarl) {
        if (!elixir.equals(jarl)) {
            mismatches.add(source + " (" + options + ")\n  elixir: " + elixir + "\n  jarl:   " + jarl);
        }
    }

    private static String runWithEnv(String expressions) throws Exception {
        Elixir.require();
        java.nio.file.Path script = java.nio.file.Files.createTempFile(java.nio.file.Path.of("/tmp"), "jarl-inspect", ".exs");
        try {
            java.nio.file.Files.writeString(script, SCRIPT);
            ProcessBuilder pb = new ProcessBuilder("elixir", script.toString()).redirectErrorStream(false);
            pb.environment().put("JARL_EXPRESSIONS", expressions);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] err = new byte[0];
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            err = p.getErrorStream().readAllBytes();
            assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "elixir did not finish");
            assertEquals(0, p.exitValue(), new String(err, StandardCharsets.UTF_8));
            return out;
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    // ------------------------------------------------------------------ no Elixir needed

    @Test
    void aTermNestedAMillionDeepPrintsWithoutDeepRecursion() {
        Term t = Atom.of("x");
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            switch (i % 3) {
                case 0 -> {
                    t = TermList.of(t);
                    open.append("[");
                    close.append("]");
                }
                case 1 -> {
                    t = Tuple.of(t);
                    open.append("{");
                    close.append("}");
                }
                default -> {
                    t = TermMap.of(Map.of(Int.ONE, t));
                    open.append(" >= 1{%");
                    close.append("}");
                }
            }
        }
        String expected = open.reverse() + ":x" + close;
        assertEquals(expected, ElixirFormat.inspect(t));
        assertEquals("[%{1 => {...}}]", ElixirFormat.inspect(t, 2, 5));
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ElixirFormat.inspect(Atom.OK, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> ElixirFormat.inspect(Atom.OK, 5, -1));
    }

    @Test
    void aStructWhoseModuleThePrinterCannotCheckPrintsAsAStruct() {
        // Elixir prints %{__struct__: NoSuchModule, a: 1} for a module it lacks: documented difference
        assertEquals("%NoSuchModule{a: 1}", ElixirFormat.inspect(TermMap.struct("NoSuchModule", "a", 1)));
        assertEquals("#PID<app@host.110.0>", ElixirFormat.inspect(new Pid(Atom.of("app@host"), 110, 0, 1)));
    }

    // ------------------------------------------------------------------ helpers

    @Test
    void elixirModuleAtoms() {
        assertEquals(Atom.of("Elixir.MyApp.Billing"), Atom.elixir("MyApp.Billing"));
        assertEquals(Atom.of("Elixir.MyApp.Billing"), Atom.elixir("Elixir.MyApp.Billing"));
        assertEquals(Optional.of("MyApp.Billing"), Atom.of("Elixir.MyApp.Billing").elixirAlias());
        assertEquals(Optional.empty(), Atom.of("lists").elixirAlias());
        assertEquals(Optional.empty(), Atom.of("Elixir.foo").elixirAlias());
        for (String bad : List.of("", "billing", "My App", "MyApp.", "MyApp..B", "Élan")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Atom.elixir(bad), bad);
            assertTrue(e.getMessage().startsWith("Elixir alias: '" + bad + "'"), e.getMessage());
        }
        assertEquals("MyApp.Billing", ElixirFormat.inspect(Atom.elixir("MyApp.Billing")));
    }

    @Test
    void structsAreBuiltReadAndMatched() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", "Ann");
        fields.put("age", 42);
        TermMap user = TermMap.struct("MyApp.User", fields);
        assertEquals(TermMap.struct("MyApp.User", "age", 42, "name", "Ann"), user);
        assertEquals(Atom.of("Elixir.MyApp.User"), user.get(Atom.of("__struct__")));
        assertEquals(Optional.of("MyApp.User"), user.structName());
        assertTrue(user.isStruct("MyApp.User"));
        assertFalse(user.isStruct("MyApp.Admin"));
        assertEquals(Optional.of(Binary.of("Ann")), user.field("name"));
        assertEquals(Optional.empty(), user.field("email"));
        assertEquals(Optional.empty(), Term.map("a", 1).structName());
        assertEquals(Optional.of("not_elixir"),
                TermMap.of(Map.of(Atom.of("__struct__"), Atom.of("not_elixir"))).structName());
        assertEquals("%MyApp.User{age: 42, name: \"Ann\"}", ElixirFormat.inspect(user));
        assertThrows(IllegalArgumentException.class, () -> TermMap.struct("MyApp.User", "age"));
        assertThrows(IllegalArgumentException.class, () -> TermMap.struct("MyApp.User", "a", 1, "a", 2));
        assertThrows(IllegalArgumentException.class, () -> TermMap.struct("MyApp.User", 1, 2));
    }

    @Test
    void keywordListsAreBuiltReadAndRecognised() {
        TermList opts = TermList.keyword("timeout", 5000, Atom.of("retry"), true, "timeout", 1);
        assertEquals("[timeout: 5000, retry: true, timeout: 1]", ElixirFormat.inspect(opts));
        assertTrue(opts.isKeyword());
        assertTrue(TermList.NIL.isKeyword());
        assertFalse(TermList.of(Int.ONE).isKeyword());
        assertEquals(Optional.of(Int.of(5000)), opts.keywordGet("timeout"));
        assertEquals(Optional.empty(), opts.keywordGet("nope"));
        assertThrows(IllegalArgumentException.class, () -> TermList.keyword("a"));
        assertThrows(IllegalArgumentException.class, () -> TermList.keyword(1, 2));
    }
}
