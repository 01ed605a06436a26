package dev.jarl.carrier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

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

    /** A resolver that always answers {@code address}, whatever the node. */
    static AddressResolver fixed(InetSocketAddress address) {
        return (node, timeout) -> address;
    }
}
