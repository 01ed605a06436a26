/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Objects;

/**
 * An external fun, {@code fun Module:Function/Arity} (EXPORT_EXT).
 *
 * @param module   the module
 * @param function the function name
 * @param arity    the number of arguments, 0..255
 */
public record ExportFun(Atom module, Atom function, int arity) implements Term {

    /** Checks the parts. */
    public ExportFun {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(function, "function");
        if (arity < 0 || arity > 255) {
            throw new IllegalArgumentException("export fun arity: " + arity + " (expected: 0..255)");
        }
    }

    /** Itself. */
    @Override
    public Object toJava() {
        return this;
    }

    /** Hashed under this process's seed (see {@link Hashing}). */
    @Override
    public int hashCode() {
        return Hashing.finish(Hashing.step(Hashing.step(Hashing.step(Hashing.start(10), module.hashCode()),
                function.hashCode()), arity));
    }

    /** {@code fun lists:map/2}. */
    @Override
    public String toString() {
        return "fun " + module + ":" + function + "/" + arity;
    }
}
