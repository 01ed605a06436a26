/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import dev.jarl.term.NodeName;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Facts shared by the EPMD client and server: the port and how a node's host is found.
 *
 * <p>EPMD (the Erlang Port Mapper Daemon) maps the alive part of a node name to the TCP port
 * the node listens on. One EPMD serves one host; a node registers with the EPMD on its own host
 * and looks a peer up at the EPMD on the peer's host.
 */
public final class Epmd {

    /** The port EPMD listens on unless {@code ERL_EPMD_PORT} says otherwise. */
    public static final int DEFAULT_PORT = 4369;

    /** The environment variable that moves EPMD to another port, as {@code erl} and {@code epmd} read it. */
    public static final String PORT_VARIABLE = "ERL_EPMD_PORT";

    private Epmd() {
    }

    /**
     * The EPMD port for this process: {@code ERL_EPMD_PORT} when it is set, else {@value #DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException when {@code ERL_EPMD_PORT} is set but is not a port
     *                                  number from 1 to 65535
     */
    public static int portFromEnvironment() {
        return portFrom(System.getenv(PORT_VARIABLE));
    }

    /**
     * The EPMD port given the value of {@code ERL_EPMD_PORT} ({@code null} or blank when unset).
     *
     * @throws IllegalArgumentException when the value is not a port number from 1 to 65535
     */
    public static int portFrom(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        int port;
        try {
            port = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_VARIABLE + ": '" + value + "' (expected: a port number 1-65535)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(PORT_VARIABLE + ": " + port + " (expected: a port number 1-65535)");
        }
        return port;
    }

    /**
     * The address of a node's host, where its EPMD runs.
     *
     * <p>Short names ({@code name@host}) and long names ({@code name@host.domain}) are resolved
     * through the system resolver, as {@code erl} does with {@code inet:getaddr/2}; an IP
     * address in the host part ({@code name@10.0.0.7}, {@code name@::1}) is used as it is,
     * without a lookup.
     *
     * @throws UnknownHostException when the host cannot be resolved
     */
    public static InetAddress resolveHost(NodeName node) throws UnknownHostException {
        Objects.requireNonNull(node, "node");
        String host = node.host();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetAddress.getByName(host);
    }
}
