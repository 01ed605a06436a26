/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Objects;

/**
 * An Erlang node name, {@code alive@host}, split into its two parts.
 *
 * <p>The host part decides the naming mode, as {@code erl} does: a host without dots is a
 * short name ({@code erl -sname}); a host with dots, or an IP address, is a long name
 * ({@code erl -name}). Nodes in one mode cannot talk to nodes in the other.
 *
 * <p>The alive part is limited to 255 bytes of UTF-8 and may not contain {@code @}; the whole
 * name must fit in an atom (255 characters).
 *
 * @param alive the part before {@code @}, registered with EPMD
 * @param host  the part after {@code @}
 */
public record NodeName(String alive, String host) {

    /** Validates both parts; see the class comment for the rules. */
    public NodeName {
        Objects.requireNonNull(alive, "alive");
        Objects.requireNonNull(host, "host");
        if (alive.isEmpty()) {
            throw new IllegalArgumentException("node name: empty alive part (expected: name@host)");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("node name: empty host part in '" + alive + "@' (expected: name@host)");
        }
        if (alive.indexOf('@') >= 0) {
            throw new IllegalArgumentException("node name: alive part '" + alive + "' contains '@'");
        }
        int length = alive.codePointCount(0, alive.length()) + 1 + host.codePointCount(0, host.length());
        if (length > 255) {
            throw new IllegalArgumentException("node name: " + length + " characters (expected: at most 255)");
        }
    }

    /**
     * Parses {@code alive@host}.
     *
     * @throws IllegalArgumentException when the text has no {@code @}, more than one, or an
     *                                  empty part
     */
    public static NodeName parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("node name: '" + text + "' has no '@' (expected: name@host)");
        }
        if (text.indexOf('@', at + 1) >= 0) {
            throw new IllegalArgumentException("node name: '" + text + "' has more than one '@'");
        }
        return new NodeName(text.substring(0, at), text.substring(at + 1));
    }

    /** True for long names (host with a dot or an IP address), as {@code erl -name}. */
    public boolean isLongName() {
        return host.indexOf('.') >= 0 || host.indexOf(':') >= 0;
    }

    /** The node name as an atom, {@code 'alive@host'}, as it travels in pids, ports and references. */
    public Atom atom() {
        return Atom.of(toString());
    }

    @Override
    public String toString() {
        return alive + "@" + host;
    }
}
