/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

/**
 * An Erlang float: a finite IEEE-754 double.
 *
 * <p>Erlang has no NaN or infinities; the constructor rejects them. {@code 0.0} and
 * {@code -0.0} are different terms (as with {@code =:=} since OTP 27), which is what the
 * record's {@code equals} gives.
 *
 * @param value the number, finite
 */
public record Float64(double value) implements Term {

    /** Rejects NaN and infinities, which Erlang floats cannot be. */
    public Float64 {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("float: " + value + " (expected: a finite number)");
        }
    }

    /** The {@link Double}. */
    @Override
    public Object toJava() {
        return value;
    }

    /** Hashed under this process's seed (see {@link Hashing}). */
    @Override
    public int hashCode() {
        return Hashing.of(7, Double.doubleToLongBits(value));
    }

    /** The shortest text that reads back as the same double, as Erlang's {@code ~w}: {@code 1.0}, {@code 1.0e30}. */
    @Override
    public String toString() {
        return TermFormat.floatText(value);
    }
}
