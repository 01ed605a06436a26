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
    public static final TermMap EMPTY = new TermMap(new Term[0], new Term[0], null, null);

    private static final Atom STRUCT = Atom.of("__struct__");

    /** Maps up to this size are searched linearly; larger ones get an index. */
    private static final int LINEAR_MAX = 8;

    private final Term[] keys;
    private final Term[] values;
    /**
     * Open-addressing hash index of key positions + 1; null for small maps, and for maps whose
     * keys collided beyond the probing budget, which are searched in {@link #sorted} instead.
     */
    private final int[] index;
    /** The keys' hash codes when there is an index, compared before any {@code equals}. */
    private final int[] hashes;
    /** The entries in map-key order, made when first needed (always, for a map without index). */
    private Sorted sorted;
    /** True once every map under this one (keys and values) has its {@link #sorted} entries. */
    private boolean deep;
    private int hash;

    /** The entries sorted by key in map-key order (final fields: safe to share between threads). */
    private record Sorted(Term[] keys, Term[] values) {
    }

    private TermMap(Term[] keys, Term[] values, int[] index, int[] hashes) {
        this.keys = keys;
        this.values = values;
        this.index = index;
        this.hashes = hashes;
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
        return (TermMap) TermWalk.of(map);
    }

    /**
     * Trusted arrays (not shared, no nulls).
     *
     * @throws IllegalArgumentException on a repeated key
     */
    static TermMap build(Term[] keys, Term[] values) {
        int[] duplicate = new int[1];
        TermMap map = buildOrNull(keys, values, duplicate, null);
        if (map == null) {
            throw new IllegalArgumentException("map key: " + keys[duplicate[0]] + " repeated (expected: unique keys)");
        }
        return map;
    }

    /**
     * Trusted arrays, where a later entry replaces an earlier one with an equal key, as in an
     * Erlang map expression. The result keeps each key at its first position.
     */
    static TermMap buildLastWins(Term[] keys, Term[] values) {
        int[] duplicate = new int[1];
        TermMap map = buildOrNull(keys, values, duplicate, null);
        if (map != null) {
            return map;
        }
        // rare: merge by key order, then keep first positions
        int n = keys.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        prepareKeys(keys);
        Arrays.sort(order, (i, j) -> {
            int c = TermOrder.compareKeys(keys[i], keys[j]);
            return c != 0 ? c : Integer.compare(i, j);
        });
        boolean[] keep = new boolean[n];
        Term[] finalValue = values.clone();
        for (int s = 0; s < n;) {
            int e = s + 1;
            while (e < n && TermOrder.compareKeys(keys[order[s]], keys[order[e]]) == 0) {
                e++;
            }
            keep[order[s]] = true;
            finalValue[order[s]] = values[order[e - 1]];
            s = e;
        }
        int m = 0;
        for (boolean k : keep) {
            m += k ? 1 : 0;
        }
        Term[] k2 = new Term[m];
        Term[] v2 = new Term[m];
        for (int i = 0, j = 0; i < n; i++) {
            if (keep[i]) {
                k2[j] = keys[i];
                v2[j++] = finalValue[i];
            }
        }
        return build(k2, v2);
    }

    /**
     * For the decoder: the map, or null when a key repeats, with {@code duplicate[0]} set to
     * its position. Work is linear in the keys' size whatever their hash codes: a hash index
     * whose probing goes over budget (keys that collide, by chance or by design) gives way to
     * a sort in map-key order, O(n log n) comparisons. {@code work}, when not null, counts
     * probes and key comparisons in {@code work[0]}.
     */
    static TermMap buildOrNull(Term[] keys, Term[] values, int[] duplicate, long[] work) {
        return buildOrNull(keys, values, duplicate, work, false);
    }

    /** As {@link #buildOrNull(Term[], Term[], int[], long[])}; {@code sorted} true takes the sorted index at once (tests). */
    static TermMap buildOrNull(Term[] keys, Term[] values, int[] duplicate, long[] work, boolean sorted) {
        int n = keys.length;
        if (n == 0) {
            return EMPTY;
        }
        if (n <= LINEAR_MAX) {
            for (int i = 1; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    count(work, 1);
                    if (keys[i].equals(keys[j])) {
                        duplicate[0] = i;
                        return null;
                    }
                }
            }
            return new TermMap(keys, values, null, null);
        }
        if (sorted) {
            return sortedOrNull(keys, values, duplicate, work);
        }
        int[] hashes = new int[n];
        int[] table = new int[tableSize(n)];
        int mask = table.length - 1;
        long probes = 8L * n + 64;
        long sameHash = n / 16 + 16;
        for (int i = 0; i < n; i++) {
            Term key = keys[i];
            int h = key.hashCode();
            hashes[i] = h;
            int slot = spread(h) & mask;
            count(work, 1);
            while (table[slot] != 0) {
                int j = table[slot] - 1;
                count(work, 1);
                if (--probes < 0) {
                    return sortedOrNull(keys, values, duplicate, work);
                }
                if (hashes[j] == h) {
                    if (keys[j].equals(key)) {
                        duplicate[0] = i;
                        return null;
                    }
                    if (--sameHash < 0) {
                        return sortedOrNull(keys, values, duplicate, work);
                    }
                }
                slot = (slot + 1) & mask;
            }
            table[slot] = i + 1;
        }
        return new TermMap(keys, values, table, hashes);
    }

    private static void count(long[] work, long n) {
        if (work != null) {
            work[0] += n;
        }
    }

    /** The map searched by binary search in map-key order, or null on a repeated key. */
    private static TermMap sortedOrNull(Term[] keys, Term[] values, int[] duplicate, long[] work) {
        Sorted s = sort(keys, values, work);
        Term[] sk = s.keys();
        for (int i = 1; i < sk.length; i++) {
            if ((work == null ? TermOrder.compareKeys(sk[i - 1], sk[i]) : TermOrder.compareKeys(sk[i - 1], sk[i], work)) == 0) {
                duplicate[0] = positionOf(keys, sk[i]);
                return null;
            }
        }
        TermMap map = new TermMap(keys, values, null, null);
        map.sorted = s;
        return map;
    }

    private static int positionOf(Term[] keys, Term key) {
        for (int i = keys.length - 1; i >= 0; i--) {
            if (keys[i] == key) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The entries sorted in map-key order. Every map inside the keys is sorted first, deepest
     * first, so that the comparisons of the sort never have to sort a map themselves: no
     * recursion however deeply maps nest in keys.
     */
    private static Sorted sort(Term[] keys, Term[] values, long[] work) {
        prepareKeys(keys);
        int n = keys.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, work == null
                ? (i, j) -> TermOrder.compareKeys(keys[i], keys[j])
                : (i, j) -> TermOrder.compareKeys(keys[i], keys[j], work));
        Term[] sk = new Term[n];
        Term[] sv = new Term[n];
        for (int i = 0; i < n; i++) {
            sk[i] = keys[order[i]];
            sv[i] = values[order[i]];
        }
        return new Sorted(sk, sv);
    }

    /** Sorts the entries of every map under these keys that has none sorted yet, deepest first. */
    private static void prepareKeys(Term[] keys) {
        for (Term k : keys) {
            TermWalk.postOrder(k, t -> !(t instanceof TermMap m && m.deep), t -> {
                if (t instanceof TermMap m) {
                    m.sortedKeys();
                    m.deep = true;
                }
            });
        }
    }

    private Sorted sorted() {
        Sorted s = sorted;
        if (s == null) {
            s = keys.length <= 1 ? new Sorted(keys, values) : sort(keys, values, null);
            sorted = s;
        }
        return s;
    }

    /** The keys in map-key order (OTP's order of map keys: the term order, all integers before all floats). */
    Term[] sortedKeys() {
        return sorted().keys();
    }

    /** The values in the order of {@link #sortedKeys()}. */
    Term[] sortedValues() {
        return sorted().values();
    }

    private static int tableSize(int n) {
        return Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1;
    }

    private static int spread(int h) {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    /** The value for {@code key}, or null. */
    private Term find(Term key) {
        if (index != null) {
            int h = key.hashCode();
            int mask = index.length - 1;
            int slot = spread(h) & mask;
            while (index[slot] != 0) {
                int i = index[slot] - 1;
                if (hashes[i] == h && keys[i].equals(key)) {
                    return values[i];
                }
                slot = (slot + 1) & mask;
            }
            return null;
        }
        if (keys.length <= LINEAR_MAX) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return values[i];
                }
            }
            return null;
        }
        Sorted s = sorted();
        Term[] sk = s.keys();
        int lo = 0;
        int hi = sk.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = TermOrder.compareKeys(sk[mid], key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return s.values()[mid];
            }
        }
        return null;
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
        return find(Objects.requireNonNull(key, "key"));
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
        return find(Objects.requireNonNull(key, "key")) != null;
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
        return keys.length == 0 ? new LinkedHashMap<>() : TermWalk.toJava(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TermMap other && TermOrder.equal(this, other);
    }

    @Override
    public int hashCode() {
        return TermWalk.hash(this);
    }

    int cachedHash() {
        return hash;
    }

    void cacheHash(int h) {
        hash = h;
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
