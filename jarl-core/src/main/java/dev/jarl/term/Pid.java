/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Objects;

/**
 * An Erlang process identifier, as NEW_PID_EXT carries it.
 *
 * <p>{@code id} and {@code serial} are the two 32-bit fields of NEW_PID_EXT (since OTP 24 a
 * node may use all 32 bits of each). {@code creation} tells incarnations of a node apart; it
 * is never 0 for a pid a live node minted, but 0 is accepted (OTP decodes it, and JInterface
 * builds such pids before EPMD assigns a creation), and encoded as it is.
 *
 * @param node     the node the process lives on
 * @param id       the process number
 * @param serial   the serial number
 * @param creation the node's creation
 */
public record Pid(Atom node, int id, int serial, int creation) implements Term {

    /** Checks the node is not null. */
    public Pid {
        Objects.requireNonNull(node, "node");
    }

    /** Itself. */
    @Override
    public Object toJava() {
        return this;
    }

    /** Hashed under this process's seed (see {@link Hashing}). */
    @Override
    public int hashCode() {
        return Hashing.finish(Hashing.step(Hashing.step(Hashing.step(Hashing.step(Hashing.start(8), node.hashCode()), id),
                serial), creation));
    }

    /** {@code <node@host.12.0>}: node name, id and serial (a local shell would show {@code <0.12.0>}). */
    @Override
    public String toString() {
        return "<" + Printable.escape(node.name()) + "." + Integer.toUnsignedString(id) + "." + Integer.toUnsignedString(serial) + ">";
    }
}
