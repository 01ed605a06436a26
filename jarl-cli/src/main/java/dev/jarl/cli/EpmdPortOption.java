/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import dev.jarl.epmd.Epmd;

import java.util.Map;

import picocli.CommandLine.Option;

/** The EPMD port of {@code jarl names} and {@code jarl epmd}: {@code --port}, else {@code ERL_EPMD_PORT}, else 4369. */
final class EpmdPortOption {

    @Option(names = {"-p", "--port"}, paramLabel = "PORT",
            description = "EPMD port (default: ERL_EPMD_PORT, else 4369).")
    Integer port;

    /** The environment; tests replace it. */
    Map<String, String> environment = System.getenv();

    /**
     * The port to use.
     *
     * @throws IllegalArgumentException when {@code ERL_EPMD_PORT} is not a port number
     */
    int resolve() {
        return port != null ? port : Epmd.portFrom(environment.get(Epmd.PORT_VARIABLE));
    }
}
