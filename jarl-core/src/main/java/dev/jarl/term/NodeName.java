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
 * name must fit in an atom (255 characters). No part may contain a control character (C0,
 * DEL or C1): OTP only escapes them when it prints a name, Jarl refuses them outright, so a
 * node name is always safe to print and a peer's name cannot forge log lines. Error
 * messages show the refused text escaped ({@link Printable}).
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
            throw new IllegalArgumentException("node name: empty host part in '" + Printable.escape(alive)
                    + "@' (expected: name@host)");
        }
        if (alive.indexOf('@') >= 0) {
            throw new IllegalArgumentException("node name: alive part '" + Printable.escape(alive) + "' contains '@'");
        }
        int control = firstControl(alive + "@" + host);
        if (control >= 0) {
            throw new IllegalArgumentException("node name: '" + Printable.escape(alive + "@" + host)
                    + "' has a control character at index " + control + " (expected: none)");
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
            throw new IllegalArgumentException("node name: '" + Printable.escape(text) + "' has no '@' (expected: name@host)");
        }
        if (text.indexOf('@', at + 1) >= 0) {
            throw new IllegalArgumentException("node name: '" + Printable.escape(text) + "' has more than one '@'");
        }
        return new NodeName(text.substring(0, at), text.substring(at + 1));
    }

    /** The index of the first C0, DEL or C1 control character in {@code s}, or -1. */
    private static int firstControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return i;
            }
        }
        return -1;
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
