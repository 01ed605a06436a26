/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.util.List;
import java.util.Objects;

/**
 * EPMD's answer to {@code NAMES_REQ}.
 *
 * <pre>
 *      4           text, until epmd closes the connection
 * +----------+------------------------------------------+
 * | EPMDPort | "name N at port P\n" for each node       |
 * +----------+------------------------------------------+
 * </pre>
 *
 * @param epmdPort the port the EPMD says it listens on (OTP's client checks it against the port
 *                 it dialled)
 * @param names    the registered nodes, in EPMD's order (OTP's epmd lists the newest first)
 */
public record NamesResponse(int epmdPort, List<NameEntry> names) {

    /** Copies the list. */
    public NamesResponse {
        names = List.copyOf(Objects.requireNonNull(names, "names"));
    }
}
