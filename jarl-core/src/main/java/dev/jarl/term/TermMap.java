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

    /** <code>#{a => 1,b => 2}</code>, in the map's order. */
    @Override
    public String toString() {
        return TermFormat.toString(this);
    }
}
