/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.util.Objects;

/**
 * One line of an EPMD {@code NAMES_RESP}: a registered alive name and its distribution port.
 *
 * <p>On the wire it is the text line {@code name <name> at port <port>\n}.
 *
 * @param name the alive part of the node name
 * @param port the TCP port the node listens on
 */
public record NameEntry(String name, int port) {

    /** Checks the name is present and the port fits 16 bits. */
    public NameEntry {
        Objects.requireNonNull(name, "name");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }
}
