/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Erlang map, such as {@code #{name => <<"jarl">>, port => 4369}}.
 *
 * <p>Keeps its entries in insertion order (for a decoded map, the order on the wire), and the
 * encoder writes them in that order, so a map decoded from OTP re-encodes to the same bytes.
 * Equality and hashing are by content, whatever the order, as for Erlang maps. Keys are
 * unique by {@code =:=}: {@code 1} and {@code 1.0} are two keys.
 */
public final class TermMap implements Term {

    /** The empty map <code>#{}</code>. */
    public static final TermMap EMPTY = new TermMap(new Term[0], new Term[0], null);

    private static final Atom STRUCT = Atom.of("__struct__");

    /** Maps up to this size are searched linearly; larger ones get a hash index. */
    private static final int LINEAR_MAX = 8;

    private final Term[] keys;
    private final Term[] values;
    /** Open-addressing hash index of key positions + 1, or null for small maps. */
    private final int[] index;
    private int hash;

    private TermMap(Term[] keys, Term[] values, int[] index) {
        this.keys = keys;
        this.values = values;
        this.index = index;
    }

    /** A map with the entries of {@code map}, in its iteration order. */
    public static TermMap of(Map<? extends Term, ? extends Term> map) {
        int n = map.size();
        Term[] keys = new Term[n];
        Term[] values = new Term[n];
        int i = 0;
        for (Map.Entry<? extends Term, ? extends Term> e : map.entrySet()) {
            keys[i] = Objects.requireNonNull(e.getKey(), "map key");
            values[i] = Objects.requireNonNull(e.getValue(), "map value");
            i++;
        }
        return build(keys, values);
    }

    /** Converts keys and values with {@link Term#of(Object)}. */
    static TermMap ofJava(Map<?, ?> map) {
        int n = map.size();
        Term[] keys = new Term[n];
        Term[] values = new Term[n];
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            keys[i] = Term.of(e.getKey());
            values[i] = Term.of(e.getValue());
            i++;
        }
        return build(keys, values);
    }

    /**
     * Trusted arrays (not shared, no nulls).
     *
     * @throws IllegalArgumentException on a repeated key
     */
    static TermMap build(Term[] keys, Term[] values) {
        int duplicate = duplicateAt(keys);
        if (duplicate >= 0) {
            throw new IllegalArgumentException("map key: " + keys[duplicate] + " repeated (expected: unique keys)");
        }
        return keys.length == 0 ? EMPTY : new TermMap(keys, values, indexFor(keys));
    }

    /** For the decoder: the map, or null if a key repeats; {@link #duplicateAt} says which. */
    static TermMap buildOrNull(Term[] keys, Term[] values) {
        if (keys.length == 0) {
            return EMPTY;
        }
        if (keys.length <= LINEAR_MAX) {
            return duplicateAt(keys) >= 0 ? null : new TermMap(keys, values, null);
        }
        int[] table = tableOrNull(keys);
        return table == null ? null : new TermMap(keys, values, table);
    }

    /** The position of the first key equal to an earlier one, or -1. */
    static int duplicateAt(Term[] keys) {
        if (keys.length <= LINEAR_MAX) {
            for (int i = 1; i < keys.length; i++) {
                for (int j = 0; j < i; j++) {
                    if (keys[i].equals(keys[j])) {
                        return i;
                    }
                }
            }
            return -1;
        }
        int[] table = new int[tableSize(keys.length)];
        for (int i = 0; i < keys.length; i++) {
            if (!insert(table, keys, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int[] indexFor(Term[] keys) {
        return keys.length <= LINEAR_MAX ? null : tableOrNull(keys);
    }

    private static int[] tableOrNull(Term[] keys) {
        int[] table = new int[tableSize(keys.length)];
        for (int i = 0; i < keys.length; i++) {
            if (!insert(table, keys, i)) {
                return null;
            }
        }
        return table;
    }

    private static int tableSize(int n) {
        return Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1;
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    private static boolean insert(int[] table, Term[] keys, int i) {
        int mask = table.length - 1;
        int slot = spread(keys[i].hashCode()) & mask;
        while (table[slot] != 0) {
            if (keys[table[slot] - 1].equals(keys[i])) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        table[slot] = i + 1;
        return true;
    }

    private int find(Term key) {
        if (index == null) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
        int mask = index.length - 1;
        int slot = spread(key.hashCode()) & mask;
        while (index[slot] != 0) {
            int i = index[slot] - 1;
            if (keys[i].equals(key)) {
                return i;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /**
     * An Elixir struct: a map with {@code __struct__} set to the module of {@code alias}
     * ({@link Atom#elixir(String)}) and one atom key per field, values converted with
     * {@link Term#of(Object)}. {@code TermMap.struct("MyApp.User", Map.of("name", "Ann"))}
     * is what Elixir holds for {@code %MyApp.User{name: "Ann"}}. Give every field the
     * {@code defstruct} declares: Elixir treats a map with other keys as a plain map.
     *
     * @throws IllegalArgumentException for an invalid alias, a field named
     *                                  {@code __struct__}, or a value {@code Term.of} refuses
     */
    public static TermMap struct(String alias, Map<String, ?> fields) {
        Atom module = Atom.elixir(alias);
        Term[] keys = new Term[fields.size() + 1];
        Term[] values = new Term[keys.length];
        keys[0] = STRUCT;
        values[0] = module;
        int i = 1;
        for (Map.Entry<String, ?> f : fields.entrySet()) {
            keys[i] = Atom.of(Objects.requireNonNull(f.getKey(), "field name"));
            values[i] = Term.of(f.getValue());
            i++;
        }
        return build(keys, values);
    }

    /**
     * An Elixir struct from alternating field names and values:
     * {@code TermMap.struct("MyApp.User", "name", "Ann", "age", 42)}; see
     * {@link #struct(String, Map)}.
     *
     * @throws IllegalArgumentException for an odd number of arguments, a name that is not a
     *                                  String, a repeated name, or an invalid alias
     */
    public static TermMap struct(String alias, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("struct " + alias + ": " + namesAndValues.length
                    + " arguments (expected: an even number, alternating field names and values)");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) {
                throw new IllegalArgumentException("struct " + alias + ": field name " + namesAndValues[i]
                        + " (expected: a String)");
            }
            if (fields.put(name, namesAndValues[i + 1]) != null) {
                throw new IllegalArgumentException("struct " + alias + ": field " + name + " repeated");
            }
        }
        return struct(alias, fields);
    }

    /**
     * The struct's name when this map is an Elixir struct: the alias of its
     * {@code __struct__} module ({@code "MyApp.User"}), or the module atom's name when it is
     * not an alias; empty for a map without an atom {@code __struct__}.
     */
    public Optional<String> structName() {
        return get(STRUCT) instanceof Atom module
                ? Optional.of(module.elixirAlias().orElse(module.name())) : Optional.empty();
    }

    /** True when this map is a struct of {@code alias}: {@code isStruct("MyApp.User")}. */
    public boolean isStruct(String alias) {
        return Atom.elixir(alias).equals(get(STRUCT));
    }

    /**
     * The value of the atom key {@code name}, as Elixir reads a struct field or an
     * atom-keyed map ({@code user.name}); empty when there is none.
     */
    public Optional<Term> field(String name) {
        return Optional.ofNullable(get(Atom.of(name)));
    }

    /** The number of entries. */
    public int size() {
        return keys.length;
    }

    /** True for <code>#{}</code>. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The value for {@code key}, or null if there is none. */
    public Term get(Term key) {
        int i = find(Objects.requireNonNull(key, "key"));
        return i < 0 ? null : values[i];
    }

    /** The value for {@code key} converted with {@link Term#of(Object)}, or null if there is none. */
    public Term get(Object key) {
        return get(Term.of(key));
    }

    /** The value for {@code key}, or {@code fallback}. */
    public Term getOrDefault(Term key, Term fallback) {
        Term v = get(key);
        return v == null ? fallback : v;
    }

    /** True if {@code key} is a key. */
    public boolean containsKey(Term key) {
        return find(Objects.requireNonNull(key, "key")) >= 0;
    }

    /** The entries in order, unmodifiable. */
    public List<Map.Entry<Term, Term>> entries() {
        List<Map.Entry<Term, Term>> out = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]));
        }
        return Collections.unmodifiableList(out);
    }

    /** The keys in order, unmodifiable. */
    public List<Term> keys() {
        return Collections.unmodifiableList(Arrays.asList(keys));
    }

    /** The values in order, unmodifiable. */
    public List<Term> values() {
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    /** The entries as an unmodifiable {@link Map} of terms, in order. */
    public Map<Term, Term> asMap() {
        Map<Term, Term> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            out.put(keys[i], values[i]);
        }
        return Collections.unmodifiableMap(out);
    }

    Term[] keyArray() {
        return keys;
    }

    Term[] valueArray() {
        return values;
    }

    /** A {@link LinkedHashMap} with keys and values converted with {@link Term#toJava()}. */
    @Override
    public Object toJava() {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            out.put(keys[i].toJava(), values[i].toJava());
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof TermMap other) || other.keys.length != keys.length) {
            return false;
        }
        for (int i = 0; i < keys.length; i++) {
            int j = other.find(keys[i]);
            if (j < 0 || !values[i].equals(other.values[j])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 5;
            for (int i = 0; i < keys.length; i++) {
                h += keys[i].hashCode() ^ values[i].hashCode();
            }
            hash = h;
        }
        return h;
    }

    /**
     * <code>#{a => 1,b => 2}</code>, in the map's order (Erlang syntax;
     * {@link ElixirFormat#inspect(Term)} gives Elixir's).
     */
    @Override
    public String toString() {
        return TermFormat.toString(this);
    }
}
