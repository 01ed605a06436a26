/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Objects;

/**
 * An Erlang port identifier.
 *
 * <p>{@code id} is up to 64 bits (V4_PORT_EXT, OTP 24+); ids below 2<sup>28</sup> are encoded
 * as NEW_PORT_EXT, larger ones as V4_PORT_EXT, as OTP does. Creation 0 is accepted and encoded as it is (see {@link Pid}).
 *
 * @param node     the node that owns the port
 * @param id       the port number
 * @param creation the node's creation
 */
public record Port(Atom node, long id, int creation) implements Term {

    /** Checks the node is not null. */
    public Port {
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
        return Hashing.finish(Hashing.step(Hashing.step(Hashing.step(Hashing.start(9), node.hashCode()), id), creation));
    }

    /** {@code #Port<node@host.7>}. */
    @Override
    public String toString() {
        return "#Port<" + Printable.escape(node.name()) + "." + Long.toUnsignedString(id) + ">";
    }
}
