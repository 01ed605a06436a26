/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An Erlang atom: a name of at most 255 Unicode code points.
 *
 * <p>Atoms are plain values here, compared by name. Unlike the BEAM, Jarl keeps no global
 * atom table: {@link #of(String)} and the decoder share a small fixed-size cache (a few
 * thousand entries, old entries simply overwritten) so common atoms are not allocated again
 * and again, and atoms arriving from the network can never grow memory without bound.
 *
 * @param name the atom's text, at most 255 code points
 */
public record Atom(String name) implements Term {

    /** The most code points an atom may have, as in OTP. */
    public static final int MAX_CHARACTERS = 255;

    /** {@code ok}. */
    public static final Atom OK = new Atom("ok");
    /** {@code error}. */
    public static final Atom ERROR = new Atom("error");
    /** {@code true}. */
    public static final Atom TRUE = new Atom("true");
    /** {@code false}. */
    public static final Atom FALSE = new Atom("false");
    /** {@code undefined}. */
    public static final Atom UNDEFINED = new Atom("undefined");
    /** {@code EXIT}, as in {@code {'EXIT', Pid, Reason}}. */
    public static final Atom EXIT = new Atom("EXIT");
    /** {@code normal}, the normal exit reason. */
    public static final Atom NORMAL = new Atom("normal");
    /** {@code noproc}. */
    public static final Atom NOPROC = new Atom("noproc");
    /** {@code noconnection}. */
    public static final Atom NOCONNECTION = new Atom("noconnection");
    /** {@code $gen_call}. */
    public static final Atom GEN_CALL = new Atom("$gen_call");
    /** {@code $gen_cast}. */
    public static final Atom GEN_CAST = new Atom("$gen_cast");
    /** {@code nonode@nohost}, the name of a node without distribution. */
    public static final Atom NONODE = new Atom("nonode@nohost");

    /** Validates the name: not null, at most 255 code points. */
    public Atom {
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_CHARACTERS) {
            int count = name.codePointCount(0, name.length());
            if (count > MAX_CHARACTERS) {
                throw new IllegalArgumentException(
                        "atom length: " + count + " characters (expected: at most " + MAX_CHARACTERS + ")");
            }
        }
    }

    /**
     * The atom with this name, from the shared cache when it is there.
     *
     * @throws IllegalArgumentException if the name has more than 255 code points
     */
    public static Atom of(String name) {
        return AtomCache.intern(name);
    }

    /** The atom {@code true} or {@code false}. */
    public static Atom of(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** Equal names. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Atom other && name.equals(other.name);
    }

    /** The name's hash, under this process's seed (see {@link Hashing}). */
    @Override
    public int hashCode() {
        return Hashing.text(3, name);
    }

    /** True if this is {@code true} or {@code false}. */
    public boolean isBoolean() {
        return this.equals(TRUE) || this.equals(FALSE);
    }

    /** {@link Boolean} for {@code true}/{@code false}, otherwise this atom. */
    @Override
    public Object toJava() {
        if (equals(TRUE)) {
            return Boolean.TRUE;
        }
        if (equals(FALSE)) {
            return Boolean.FALSE;
        }
        return this;
    }

    /** The name encoded as UTF-8. */
    public byte[] utf8() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    /** The atom as Erlang writes it: {@code ok}, {@code 'hello world'}, {@code 'EXIT'}. */
    @Override
    public String toString() {
        return TermFormat.atom(name);
    }
}
