/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** An Erlang tuple, such as {@code {ok, Value}}. */
public final class Tuple implements Term {

    /** The empty tuple <code>{}</code>. */
    public static final Tuple EMPTY = new Tuple(new Term[0], true);

    private final Term[] elements;
    private int hash;

    /** Trusted when {@code owned}: the array is not shared and has no nulls. */
    Tuple(Term[] elements, boolean owned) {
        if (!owned) {
            for (int i = 0; i < elements.length; i++) {
                if (elements[i] == null) {
                    throw new NullPointerException("tuple element " + i + " is null");
                }
            }
        }
        this.elements = elements;
    }

    /** A tuple of these elements. */
    public static Tuple of(Term... elements) {
        return elements.length == 0 ? EMPTY : new Tuple(elements.clone(), false);
    }

    /** A tuple of these elements. */
    public static Tuple of(List<? extends Term> elements) {
        return elements.isEmpty() ? EMPTY : new Tuple(elements.toArray(new Term[0]), false);
    }

    /** The number of elements. */
    public int arity() {
        return elements.length;
    }

    /** The element at {@code index}, 0-based (Erlang's {@code element/2} is 1-based). */
    public Term get(int index) {
        return elements[Objects.checkIndex(index, elements.length)];
    }

    /** The elements, unmodifiable. */
    public List<Term> elements() {
        return Collections.unmodifiableList(Arrays.asList(elements));
    }

    /** True if the tuple has {@code arity} elements and its first is the atom {@code tag}. */
    public boolean isTagged(Atom tag, int arity) {
        return elements.length == arity && arity > 0 && elements[0].equals(tag);
    }

    Term[] array() {
        return elements;
    }

    /** An {@code Object[]} of the elements converted with {@link Term#toJava()}. */
    @Override
    public Object toJava() {
        return TermWalk.toJava(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuple other && TermOrder.equal(this, other);
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

    /** <code>{ok,1}</code>. */
    @Override
    public String toString() {
        return TermFormat.toString(this);
    }
}
