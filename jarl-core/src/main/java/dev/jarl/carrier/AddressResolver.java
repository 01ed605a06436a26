package dev.jarl.carrier;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

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
