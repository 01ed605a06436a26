/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An Erlang list: proper ({@code [1,2,3]}, ending in {@code []}) or improper
 * ({@code [1,2|3]}).
 *
 * <p>Held flat, as its elements and its tail. The tail of a proper list is {@link #NIL}; the
 * tail of an improper list is any term that is not a list (a list tail is merged into the
 * elements, so {@code [1|[2]]} and {@code [1,2]} are the same value). {@link #NIL} is the
 * empty list {@code []}, its own tail.
 */
public final class TermList implements Term {

    /** The empty list {@code []}. */
    public static final TermList NIL = new TermList(new Term[0], null);

    private static final Term[] NO_TERMS = new Term[0];

    private final Term[] elements;
    /** The tail; null stands for {@code []} (so NIL can be its own tail). */
    private final Term tail;
    private int hash;

    private TermList(Term[] elements, Term tail) {
        this.elements = elements;
        this.tail = tail;
    }

    /** Trusted: the array is not shared, contains no nulls; tail is null for proper. */
    static TermList wrap(Term[] elements, Term tail) {
        if (elements.length == 0 && tail == null) {
            return NIL;
        }
        return new TermList(elements, tail);
    }

    /** A proper list of these elements. */
    public static TermList of(Term... elements) {
        return wrap(checked(elements.clone()), null);
    }

    /** A proper list of these elements. */
    public static TermList of(List<? extends Term> elements) {
        return wrap(checked(elements.toArray(NO_TERMS)), null);
    }

    /**
     * The list {@code [E1, ..., En | tail]}. A list {@code tail} is merged into the elements,
     * so the result is proper when the tail is a proper list.
     *
     * @throws IllegalArgumentException if {@code elements} is empty and {@code tail} is not a
     *                                  list: {@code [|T]} is not a term
     */
    public static TermList improper(List<? extends Term> elements, Term tail) {
        Objects.requireNonNull(tail, "tail");
        Term[] head = checked(elements.toArray(NO_TERMS));
        if (tail instanceof TermList rest) {
            Term[] all = Arrays.copyOf(head, head.length + rest.elements.length);
            System.arraycopy(rest.elements, 0, all, head.length, rest.elements.length);
            return wrap(all, rest.tail);
        }
        if (head.length == 0) {
            throw new IllegalArgumentException("improper list: no elements before tail " + tail
                    + " (expected: at least one element)");
        }
        return wrap(head, tail);
    }

    /** The Erlang string (char list) of {@code text}: one integer per Unicode code point. */
    public static TermList ofString(String text) {
        return wrap(text.codePoints().mapToObj(Int::of).toArray(Term[]::new), null);
    }

    /**
     * An Elixir keyword list from alternating keys and values:
     * {@code TermList.keyword("timeout", 5000, "retry", true)} is {@code [timeout: 5000,
     * retry: true]}. Keys are {@link String}s (made atoms) or {@link Atom}s; values are
     * converted with {@link Term#of(Object)}. Keys may repeat, as in Elixir.
     *
     * @throws IllegalArgumentException for an odd number of arguments or a key of another type
     */
    public static TermList keyword(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keyword list: " + keysAndValues.length
                    + " arguments (expected: an even number, alternating keys and values)");
        }
        Term[] pairs = new Term[keysAndValues.length / 2];
        for (int i = 0; i < pairs.length; i++) {
            Atom key = switch (keysAndValues[2 * i]) {
                case String s -> Atom.of(s);
                case Atom a -> a;
                case null, default -> throw new IllegalArgumentException("keyword list: key " + keysAndValues[2 * i]
                        + " (expected: a String or an Atom)");
            };
            pairs[i] = Tuple.of(key, Term.of(keysAndValues[2 * i + 1]));
        }
        return wrap(pairs, null);
    }

    /**
     * True for an Elixir keyword list: a proper list of 2-tuples whose first elements are
     * atoms ({@code []} included).
     */
    public boolean isKeyword() {
        if (tail != null) {
            return false;
        }
        for (Term e : elements) {
            if (!(e instanceof Tuple t) || t.arity() != 2 || !(t.get(0) instanceof Atom)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of the first pair with key {@code key}, as {@code Keyword.get/2} finds it;
     * empty when there is none or this is not a list of pairs.
     */
    public Optional<Term> keywordGet(String key) {
        Atom wanted = Atom.of(key);
        for (Term e : elements) {
            if (e instanceof Tuple t && t.arity() == 2 && wanted.equals(t.get(0))) {
                return Optional.of(t.get(1));
            }
        }
        return Optional.empty();
    }

    private static Term[] checked(Term[] elements) {
        for (int i = 0; i < elements.length; i++) {
            if (elements[i] == null) {
                throw new NullPointerException("list element " + i + " is null");
            }
        }
        return elements;
    }

    /** True for a list ending in {@code []}. */
    public boolean isProper() {
        return tail == null;
    }

    /** True for {@code []}. */
    public boolean isEmpty() {
        return elements.length == 0;
    }

    /** The number of elements (not counting an improper tail). */
    public int size() {
        return elements.length;
    }

    /** The element at {@code index}, 0-based. */
    public Term get(int index) {
        return elements[Objects.checkIndex(index, elements.length)];
    }

    /** The elements, unmodifiable. */
    public List<Term> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    /** The tail: {@link #NIL} for a proper list, otherwise a term that is not a list. */
    public Term tail() {
        return tail == null ? NIL : tail;
    }

    Term[] array() {
        return elements;
    }

    /** The improper tail, or null when proper. */
    Term rawTail() {
        return tail;
    }

    /**
     * The list as text if it is a proper list of Unicode code points (an Erlang string such
     * as {@code "hello"}), else empty. {@code []} is the empty string.
     */
    public Optional<String> asString() {
        if (tail != null) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder(elements.length);
        for (Term t : elements) {
            if (!(t instanceof Int i) || !i.isLong()) {
                return Optional.empty();
            }
            long cp = i.longValue();
            if (cp < 0 || cp > Character.MAX_CODE_POINT || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                return Optional.empty();
            }
            text.appendCodePoint((int) cp);
        }
        return Optional.of(text.toString());
    }

    /** A {@link List} of the elements converted with {@link Term#toJava()}; an improper list stays a term. */
    @Override
    public Object toJava() {
        if (tail != null) {
            return this;
        }
        List<Object> out = new ArrayList<>(elements.length);
        for (Term t : elements) {
            out.add(t.toJava());
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TermList other && Arrays.equals(elements, other.elements) && Objects.equals(tail, other.tail);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(elements) + Objects.hashCode(tail) + 7;
            hash = h;
        }
        return h;
    }

    /** {@code [1,2,3]}, {@code [1,2|3]}, {@code []}. */
    @Override
    public String toString() {
        return TermFormat.toString(this);
    }
}
