/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Arrays;
import java.util.Objects;

/**
 * An Erlang reference, as NEWER_REFERENCE_EXT carries it: a node, its creation and 1 to 5
 * 32-bit words ({@code ids[0]} is the word sent first). Ordinary references made by
 * {@code make_ref()} have 3 words; OTP 24+ may use up to 5 (process-alias references).
 *
 * <p>Creation 0 is accepted and encoded as it is (see {@link Pid}).
 */
public final class Ref implements Term {

    /** The most words a reference may have. */
    public static final int MAX_IDS = 5;

    private final Atom node;
    private final int creation;
    private final int[] ids;

    /**
     * A reference.
     *
     * @param node     the node that made it
     * @param creation the node's creation
     * @param ids      1 to 5 words, copied
     */
    public Ref(Atom node, int creation, int[] ids) {
        this(node, creation, ids.clone(), true);
    }

    /** Trusted: {@code ids} is not shared. */
    Ref(Atom node, int creation, int[] ids, boolean owned) {
        this.node = Objects.requireNonNull(node, "node");
        this.creation = creation;
        if (ids.length < 1 || ids.length > MAX_IDS) {
            throw new IllegalArgumentException("reference ids: " + ids.length + " words (expected: 1.." + MAX_IDS + ")");
        }
        this.ids = ids;
    }

    /** The node that made the reference. */
    public Atom node() {
        return node;
    }

    /** The node's creation. */
    public int creation() {
        return creation;
    }

    /** The words, in wire order (a copy). */
    public int[] ids() {
        return ids.clone();
    }

    /** The number of words, 1..5. */
    public int idCount() {
        return ids.length;
    }

    /** The word at {@code index}, in wire order. */
    public int id(int index) {
        return ids[Objects.checkIndex(index, ids.length)];
    }

    int[] idArray() {
        return ids;
    }

    /** Itself. */
    @Override
    public Object toJava() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ref other && creation == other.creation && node.equals(other.node)
                && Arrays.equals(ids, other.ids);
    }

    @Override
    public int hashCode() {
        long h = Hashing.step(Hashing.step(Hashing.start(6), node.hashCode()), creation);
        for (int id : ids) {
            h = Hashing.step(h, id);
        }
        return Hashing.finish(h);
    }

    /** {@code #Ref<node@host.3.2.1>}: the words last first, as Erlang prints them. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("#Ref<").append(Printable.escape(node.name()));
        for (int i = ids.length - 1; i >= 0; i--) {
            s.append('.').append(Integer.toUnsignedString(ids[i]));
        }
        return s.append('>').toString();
    }
}
