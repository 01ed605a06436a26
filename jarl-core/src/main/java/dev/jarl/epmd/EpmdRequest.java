/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.util.Objects;

/**
 * A request to EPMD, as it travels after its two-byte length.
 *
 * <pre>
 *     2        1       Len - 1
 * +--------+------+-------------+
 * |  Len   | Tag  |  body       |
 * +--------+------+-------------+
 * </pre>
 *
 * <p>EPMD answers each request on the connection that carried it and then closes the
 * connection, except after a successful {@code ALIVE2_REQ}: that connection stays open as long
 * as the node is registered.
 */
public sealed interface EpmdRequest {

    /**
     * {@code ALIVE2_REQ} (tag 120, {@code 'x'}): register a node. The body is a
     * {@link NodeAddress}. The answer is {@code ALIVE2_X_RESP} (tag 118,
     * {@code Result:8 Creation:32}) when the node's highest version is 6 or more, else
     * {@code ALIVE2_RESP} (tag 121, {@code Result:8 Creation:16}).
     *
     * @param node what to register
     */
    record Alive2Request(NodeAddress node) implements EpmdRequest {
        /** Checks the node is present. */
        public Alive2Request {
            Objects.requireNonNull(node, "node");
        }
    }

    /**
     * {@code PORT_PLEASE2_REQ} (tag 122, {@code 'z'}): look a node up; the body is the alive
     * name in UTF-8. The answer is {@code PORT2_RESP} (tag 119): {@code Result:8}, and on
     * success a {@link NodeAddress}.
     *
     * @param name the alive part of the node name
     */
    record PortPlease2Request(String name) implements EpmdRequest {
        /** Checks the name is present. */
        public PortPlease2Request {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code NAMES_REQ} (tag 110, {@code 'n'}): list the registered nodes; see {@link NamesResponse}. */
    record NamesRequest() implements EpmdRequest {
    }

    /**
     * {@code DUMP_REQ} (tag 100, {@code 'd'}): a debugging listing, {@code EPMDPort:32} then
     * one NUL-terminated text line per node, active and old. Local peers only.
     */
    record DumpRequest() implements EpmdRequest {
    }

    /**
     * {@code KILL_REQ} (tag 107, {@code 'k'}): stop EPMD. OTP's epmd answers {@code "NO"} while
     * nodes are registered (unless started with {@code -relaxed_command_check}), else
     * {@code "OK"} and exits. Local peers only.
     */
    record KillRequest() implements EpmdRequest {
    }

    /**
     * {@code STOP_REQ} (tag 115, {@code 's'}): unregister a name by force. OTP's epmd ignores it
     * unless started with {@code -relaxed_command_check}. Local peers only.
     *
     * @param name the alive name to unregister
     */
    record StopRequest(String name) implements EpmdRequest {
        /** Checks the name is present. */
        public StopRequest {
            Objects.requireNonNull(name, "name");
        }
    }
}
