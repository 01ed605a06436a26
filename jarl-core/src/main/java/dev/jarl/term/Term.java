/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An Erlang term: an immutable value with structural equality and Erlang's term order.
 *
 * <p>One implementation per Erlang data type; the set is closed, so an exhaustive
 * {@code switch} over a {@code Term} needs no {@code default}:
 *
 * <pre>{@code
 * String describe(Term t) {
 *     return switch (t) {
 *         case Atom a -> "atom " + a.name();
 *         case Int i -> "integer " + i;
 *         case Float64 f -> "float " + f.value();
 *         case Binary b -> b.size() + " bytes";
 *         case BitString s -> s.bitSize() + " bits";
 *         case TermList l -> "list of " + l.size();
 *         case Tuple tu -> "tuple of " + tu.arity();
 *         case TermMap m -> "map of " + m.size();
 *         case Pid p -> "pid " + p;
 *         case Port p -> "port " + p;
 *         case Ref r -> "reference " + r;
 *         case Fun f -> "fun " + f;
 *         case ExportFun e -> "fun " + e;
 *     };
 * }
 * }</pre>
 *
 * <h2>Equality and order</h2>
 * {@link Object#equals(Object) equals} is Erlang's exact equality {@code =:=} as of OTP 27: {@code 1} and
 * {@code 1.0} differ, and so do {@code 0.0} and {@code -0.0}. {@link #compareTo(Term)} is
 * Erlang's term order ({@code number < atom < reference < fun < port < pid < tuple < map <
 * [] < list < bit string}), made total and consistent with {@code equals} by breaking the
 * ties Erlang leaves ({@code 1 == 1.0}, {@code 0.0 == -0.0}) the way OTP orders map keys:
 * an integer sorts before the float of the same value, and {@code -0.0} before {@code 0.0}.
 * So terms work as keys of hash maps and sorted maps alike.
 *
 * <h2>From and to plain Java values</h2>
 * {@link #of(Object)} converts the usual Java values (see there); {@link #toJava()} goes the
 * other way. Small factories read well in code:
 *
 * <pre>{@code
 * Term reply = Term.tuple(Atom.OK, Term.map("count", 3, "names", List.of("a", "b")));
 * // {ok,#{<<"count">> => 3,<<"names">> => [<<"a">>,<<"b">>]}}
 * }</pre>
 *
 * <h2>Printing</h2>
 * {@code toString()} writes Erlang syntax ({@code {ok,#{name => <<"Ann">>}}});
 * {@link ElixirFormat#inspect(Term)} writes Elixir's ({@code {:ok, %{name: "Ann"}}}), with
 * Elixir modules, structs and keyword lists as Elixir code shows them. For Elixir data,
 * {@link Atom#elixir(String)}, {@link TermMap#struct(String, Object...)} and
 * {@link TermList#keyword(Object...)} build module atoms, structs and keyword lists.
 *
 * <p>Equality, hashing, ordering and {@code toString} recurse once per level of nesting
 * (not per list element); terms decoded under {@link DecodeLimits} are nested at most
 * {@link DecodeLimits#maxDepth()} deep.
 */
public sealed interface Term extends Comparable<Term>
        permits Atom, Int, Float64, Binary, BitString, TermList, Tuple, TermMap, Pid, Port, Ref, Fun, ExportFun {

    /**
     * Compares in Erlang's term order, made total as described in the class comment.
     */
    @Override
    default int compareTo(Term other) {
        return TermOrder.compare(this, other);
    }

    /**
     * This term as a plain Java value: {@link Atom} &rarr; {@link Atom} itself (atoms have no
     * better Java twin), except {@code true}/{@code false} &rarr; {@link Boolean};
     * {@link Int} &rarr; {@link Long} or {@link BigInteger}; {@link Float64} &rarr;
     * {@link Double}; {@link Binary} &rarr; {@code byte[]} (a copy); {@link TermList} &rarr;
     * {@link List}; {@link Tuple} &rarr; {@code Object[]}; {@link TermMap} &rarr; a
     * {@link java.util.LinkedHashMap}; other types &rarr; themselves. Elements are converted
     * recursively. Improper lists and bit strings stay terms.
     */
    Object toJava();

    /**
     * Converts a plain Java value to a term.
     *
     * <ul>
     *   <li>{@link Term} &rarr; itself</li>
     *   <li>{@link String} &rarr; a UTF-8 {@link Binary}, as Elixir strings are (use
     *       {@link TermList#ofString(String)} for an Erlang char list, {@link Atom#of} for an
     *       atom)</li>
     *   <li>{@link Integer}, {@link Long}, {@link Short}, {@link Byte}, {@link BigInteger}
     *       &rarr; {@link Int}</li>
     *   <li>{@link Double}, {@link Float} &rarr; {@link Float64}</li>
     *   <li>{@link Boolean} &rarr; the atom {@code true} or {@code false}</li>
     *   <li>{@code byte[]} &rarr; {@link Binary} (copied)</li>
     *   <li>{@link List} &rarr; a proper {@link TermList}; {@code Object[]} &rarr;
     *       {@link Tuple}; {@link Map} &rarr; {@link TermMap}; elements converted
     *       recursively</li>
     * </ul>
     *
     * @throws IllegalArgumentException for {@code null} and for any other type
     */
    static Term of(Object value) {
        return switch (value) {
            case null -> throw new IllegalArgumentException(
                    "Term.of: null (expected: a Term, String, integer, floating-point, Boolean, byte[], List, Map or Object[])");
            case Term t -> t;
            case String s -> Binary.of(s);
            case Integer i -> Int.of(i.longValue());
            case Long l -> Int.of(l.longValue());
            case Short s -> Int.of(s.longValue());
            case Byte b -> Int.of(b.longValue());
            case BigInteger b -> Int.of(b);
            case Double d -> new Float64(d);
            case Float f -> new Float64(f.doubleValue());
            case Boolean b -> Atom.of(b);
            case byte[] bytes -> Binary.of(bytes);
            case List<?> list -> TermList.of(convertAll(list.toArray()));
            case Map<?, ?> map -> TermMap.ofJava(map);
            case Object[] array -> new Tuple(convertAll(array), false);
            default -> throw new IllegalArgumentException("Term.of: " + value.getClass().getName()
                    + " (expected: a Term, String, integer, floating-point, Boolean, byte[], List, Map or Object[])");
        };
    }

    /** The atom with this name; same as {@link Atom#of(String)}. */
    static Atom atom(String name) {
        return Atom.of(name);
    }

    /** The integer {@code value}. */
    static Int integer(long value) {
        return Int.of(value);
    }

    /** A tuple of the given values, each converted with {@link #of(Object)}. */
    static Tuple tuple(Object... elements) {
        return new Tuple(convertAll(elements), false);
    }

    /** A proper list of the given values, each converted with {@link #of(Object)}. */
    static TermList list(Object... elements) {
        return TermList.of(convertAll(elements));
    }

    /**
     * A map from alternating keys and values, each converted with {@link #of(Object)}:
     * {@code Term.map("a", 1, "b", 2)}.
     *
     * @throws IllegalArgumentException for an odd number of arguments or a repeated key
     */
    static TermMap map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Term.map: " + keysAndValues.length
                    + " arguments (expected: an even number, alternating keys and values)");
        }
        Term[] converted = convertAll(keysAndValues);
        int n = converted.length / 2;
        Term[] keys = new Term[n];
        Term[] values = new Term[n];
        for (int i = 0; i < n; i++) {
            keys[i] = converted[2 * i];
            values[i] = converted[2 * i + 1];
        }
        return TermMap.build(keys, values);
    }

    private static Term[] convertAll(Object[] values) {
        Objects.requireNonNull(values, "values");
        Term[] terms = new Term[values.length];
        for (int i = 0; i < values.length; i++) {
            terms[i] = of(values[i]);
        }
        return terms;
    }
}
