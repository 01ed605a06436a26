/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A local fun (a closure) as NEW_FUN_EXT carries it.
 *
 * <p>Jarl cannot run it; it can hold one and pass it on unchanged, which is what a node
 * relaying messages needs.
 *
 * <pre>
 * NEW_FUN_EXT: 112 | Size:32 | Arity:8 | Uniq:16 bytes | Index:32 | NumFree:32
 *              | Module (atom) | OldIndex (integer) | OldUniq (integer) | Pid | FreeVars...
 * </pre>
 */
public final class Fun implements Term {

    private final int arity;
    private final byte[] uniq;
    private final int index;
    private final Atom module;
    private final long oldIndex;
    private final long oldUniq;
    private final Pid pid;
    private final Term[] freeVars;
    private int hash;

    /**
     * A fun.
     *
     * @param arity    number of arguments, 0..255
     * @param uniq     the 16-byte MD5 of the module's code (copied)
     * @param index    index in the module's fun table
     * @param module   the module defining the fun
     * @param oldIndex the old index (an integer term on the wire)
     * @param oldUniq  the old uniq (an integer term on the wire)
     * @param pid      the process that created the fun
     * @param freeVars the captured variables
     */
    public Fun(int arity, byte[] uniq, int index, Atom module, long oldIndex, long oldUniq, Pid pid,
            List<? extends Term> freeVars) {
        this(arity, uniq.clone(), index, module, oldIndex, oldUniq, pid, freeVars.toArray(new Term[0]), true);
    }

    Fun(int arity, byte[] uniq, int index, Atom module, long oldIndex, long oldUniq, Pid pid, Term[] freeVars,
            boolean owned) {
        if (arity < 0 || arity > 255) {
            throw new IllegalArgumentException("fun arity: " + arity + " (expected: 0..255)");
        }
        if (uniq.length != 16) {
            throw new IllegalArgumentException("fun uniq: " + uniq.length + " bytes (expected: 16)");
        }
        for (Term t : freeVars) {
            Objects.requireNonNull(t, "free variable");
        }
        this.arity = arity;
        this.uniq = uniq;
        this.index = index;
        this.module = Objects.requireNonNull(module, "module");
        this.oldIndex = oldIndex;
        this.oldUniq = oldUniq;
        this.pid = Objects.requireNonNull(pid, "pid");
        this.freeVars = freeVars;
    }

    /** Number of arguments. */
    public int arity() {
        return arity;
    }

    /** The 16-byte uniq (a copy). */
    public byte[] uniq() {
        return uniq.clone();
    }

    /** Index in the module's fun table. */
    public int index() {
        return index;
    }

    /** Number of free variables. */
    public int numFree() {
        return freeVars.length;
    }

    /** The defining module. */
    public Atom module() {
        return module;
    }

    /** The old index. */
    public long oldIndex() {
        return oldIndex;
    }

    /** The old uniq. */
    public long oldUniq() {
        return oldUniq;
    }

    /** The creating process. */
    public Pid pid() {
        return pid;
    }

    /** The captured variables, unmodifiable. */
    public List<Term> freeVars() {
        return Collections.unmodifiableList(Arrays.asList(freeVars));
    }

    byte[] uniqArray() {
        return uniq;
    }

    Term[] freeVarArray() {
        return freeVars;
    }

    /** Itself. */
    @Override
    public Object toJava() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fun f && TermOrder.equal(this, f);
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

    /** {@code #Fun<module.index.olduniq>}, as Erlang prints a local fun. */
    @Override
    public String toString() {
        return "#Fun<" + Printable.escape(module.name()) + "." + oldIndex + "." + oldUniq + ">";
    }
}
