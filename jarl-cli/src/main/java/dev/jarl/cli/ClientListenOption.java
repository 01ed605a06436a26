/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.net.InetAddress;

import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Option;

/**
 * {@code --listen} of the commands whose node only dials NODE ({@code ping}, {@code call},
 * {@code send}, {@code global}, {@code pg}, {@code stats}, {@code top}). Mixed into them with
 * {@link NodeOptions}.
 *
 * <p>Such a node is hidden and makes the one connection it uses itself; connections are
 * bidirectional, so NODE's answers, RPC replies and monitors all come back over it. Nothing
 * needs to reach the node from the network, so by default it listens on loopback only and
 * does not register with EPMD (nor start one), as OTP's non-listening nodes
 * ({@code erl -dist_listen false}, implied by a dynamic node name) do not. {@code --listen}
 * is for when NODE must be able to dial back (after the connection dropped, or when NODE
 * itself calls this node by name): the node then listens there and registers, as
 * {@code jarl serve --listen} does.
 */
final class ClientListenOption {

    @Option(names = "--listen", paramLabel = "ADDRESS",
            description = {"Listen on ADDRESS and register with EPMD (starting one bound to ADDRESS when none "
                    + "answers on this host), so that NODE can connect back by name.",
                    "Default: loopback only (127.0.0.1), not registered: this node dials NODE, and everything "
                            + "comes back over that connection."})
    String listen;

    /**
     * Starts the client node for {@code target}; with {@code --listen}, registered with EPMD
     * (the node starts the embedded one, bound to the same address, when none answers on this
     * host, and closes it with itself).
     */
    ClientNode start(NodeOptions options, NodeName target) {
        InetAddress bind = listen == null ? InetAddress.getLoopbackAddress() : Cli.address("--listen", listen);
        NodeConfig config = NodeConfig.builder(options.nodeName(target)).cookie(options.cookie())
                .carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(bind))).useEpmd(listen != null).build();
        return new ClientNode(Cli.startNode(config));
    }

    /** A started client node. */
    record ClientNode(Node node) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
        }
    }
}
