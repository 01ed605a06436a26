/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import dev.jarl.carrier.Carrier;
import dev.jarl.epmd.Epmd;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.NodeAddress;
import dev.jarl.term.NodeName;

/**
 * Finds the transport address of a node: OTP's address lookup in a distribution module's
 * {@code setup} (EPMD's {@code PORT_PLEASE2} for TCP). Supplied to a carrier in its options,
 * so tests and deployments without EPMD can use fixed addresses.
 */
@FunctionalInterface
public interface AddressResolver {

    /**
     * The address to dial for {@code node}.
     *
     * @param timeout bound on the lookup
     * @throws IOException when the node cannot be found; the message names the node
     */
    InetSocketAddress resolve(NodeName node, Duration timeout) throws IOException;

    /**
     * {@link #resolve} as a carrier's {@code connect} needs it: a failure, or a resolver that
     * returns no address, becomes an {@link IOException} whose message names the carrier and
     * the peer ({@code tcp connect to a@h: address lookup failed: ...}).
     *
     * @param carrier the carrier's name, for the message
     */
    default InetSocketAddress lookup(String carrier, NodeName peer, Duration timeout) throws IOException {
        InetSocketAddress address;
        try {
            address = resolve(peer, timeout);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains(peer.toString())) {
                throw e;
            }
            throw new IOException(carrier + " connect to " + peer + ": address lookup failed: " + e.getMessage(), e);
        }
        if (address == null) {
            throw new IOException(carrier + " connect to " + peer + ": the resolver found no address");
        }
        return address;
    }

    /**
     * True when the node's host resolves: what {@code inet_tcp_dist:select/1} checks, and so
     * what the IP carriers' {@link Carrier#select} answer.
     */
    static boolean hostResolves(NodeName node) {
        try {
            InetAddress.getByName(node.host());
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Asks the EPMD on the node's host ({@code PORT_PLEASE2_REQ}) for the port the node
     * registered, as {@code inet_tcp_dist} does through {@code erl_epmd}; the EPMD port is the
     * one {@link Epmd#portFromEnvironment()} gives ({@code ERL_EPMD_PORT}, else 4369).
     */
    static AddressResolver epmd() {
        return epmd(Epmd.portFromEnvironment());
    }

    /** As {@link #epmd()}, with the EPMD listening on {@code epmdPort} on every host. */
    static AddressResolver epmd(int epmdPort) {
        return (node, timeout) -> {
            InetAddress host = Epmd.resolveHost(node);
            EpmdClient client = new EpmdClient(host, epmdPort, timeout);
            NodeAddress found = client.portPlease(node.alive()).orElseThrow(() -> new IOException(
                    "node " + node + " is not registered with epmd at " + client.endpoint()));
            if (found.highestVersion() < 6) {
                throw new IOException("node " + node + ": distribution version " + found.highestVersion()
                        + " in epmd at " + client.endpoint() + " (expected: 6, OTP 23 or later)");
            }
            return new InetSocketAddress(host, found.port());
        };
    }

    /** A resolver that always answers {@code address}, whatever the node. */
    static AddressResolver fixed(InetSocketAddress address) {
        return (node, timeout) -> address;
    }
}
