/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * The atom of an Elixir module alias: {@code Atom.elixir("MyApp.Billing")} is
     * {@code 'Elixir.MyApp.Billing'}, the atom Elixir code writes as {@code MyApp.Billing}. A
     * name that already starts with {@code Elixir.} is taken as it is.
     *
     * @throws IllegalArgumentException unless the alias is one or more dot-separated segments,
     *                                  each an upper-case ASCII letter followed by ASCII letters,
     *                                  digits or underscores
     */
    public static Atom elixir(String alias) {
        Objects.requireNonNull(alias, "alias");
        String name = alias.startsWith("Elixir.") ? alias : "Elixir." + alias;
        if (!isElixirAlias(name) || name.equals("Elixir")) {
            throw new IllegalArgumentException("Elixir alias: '" + alias + "' (expected: segments such as MyApp.Billing, "
                    + "each an upper-case ASCII letter then letters, digits or _)");
        }
        return of(name);
    }

    /**
     * The Elixir alias this atom stands for, {@code "MyApp.Billing"} for
     * {@code 'Elixir.MyApp.Billing'}; empty for atoms that are not module aliases.
     */
    public Optional<String> elixirAlias() {
        return isElixirAlias(name) && !name.equals("Elixir") ? Optional.of(name.substring("Elixir.".length()))
                : Optional.empty();
    }

    /**
     * Elixir's test for an alias atom: {@code Elixir} followed by any number of
     * {@code .Segment}, a segment being an upper-case ASCII letter then ASCII letters, digits
     * or underscores ({@code Macro}'s {@code valid_alias?}).
     */
    static boolean isElixirAlias(String name) {
        if (!name.startsWith("Elixir")) {
            return false;
        }
        int i = "Elixir".length();
        while (i < name.length()) {
            if (name.charAt(i) != '.' || i + 1 >= name.length() || name.charAt(i + 1) < 'A' || name.charAt(i + 1) > 'Z') {
                return false;
            }
            i += 2;
            while (i < name.length() && isAliasChar(name.charAt(i))) {
                i++;
            }
        }
        return true;
    }

    private static boolean isAliasChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** Equal names. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Atom other && name.equals(other.name);
    }

    /** The name's hash. */
    @Override
    public int hashCode() {
        return name.hashCode();
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

    /**
     * The atom as Erlang writes it: {@code ok}, {@code 'hello world'}, {@code 'EXIT'}
     * ({@link ElixirFormat#inspect(Term)} writes it as Elixir does: {@code :ok}).
     */
    @Override
    public String toString() {
        return TermFormat.atom(name);
    }
}
