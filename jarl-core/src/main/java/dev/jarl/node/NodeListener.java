/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.term.NodeName;

/**
 * Told when connections to other nodes come up and go down (the minimal form of
 * {@code net_kernel:monitor_nodes/1}), and when this node stops. Called on the thread that
 * saw the event (a connection or handshake thread): return quickly and never block.
 */
public interface NodeListener {

    /** A connection to {@code node} came up. */
    default void nodeUp(NodeName node) {
    }

    /**
     * The connection to {@code node} went down.
     *
     * @param fate why: {@link ConnectionFate.TickTimeout} when the peer fell silent,
     *             {@link ConnectionFate.Disconnected} after {@link Node#disconnect}, ...
     */
    default void nodeDown(NodeName node, ConnectionFate fate) {
    }

    /**
     * This node stopped: {@link Node#close()} was called ({@code reason} is {@code "closed"}),
     * or the node could not go on serving and stopped itself, e.g. {@code "listener
     * 127.0.0.1:40123 failed: ..."}. Called once, after every connection is closed.
     */
    default void stopped(String reason) {
    }
}
