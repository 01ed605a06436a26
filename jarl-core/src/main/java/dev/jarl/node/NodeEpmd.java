/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.net.InetAddress;

import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.EpmdRegistration;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.term.NodeName;

/**
 * A node's place in EPMD: its registration, and the embedded EPMD it started because none
 * answered on this host (null when it found one). Both end with {@link #close()}.
 *
 * @param registration the node's registration, held open while the node runs
 * @param embedded     the EPMD this node started, or null
 */
record NodeEpmd(EpmdRegistration registration, EpmdServer embedded) implements AutoCloseable {

    /**
     * Registers {@code name} (listening on {@code port}) with the EPMD of this host, first
     * starting the embedded one when none answers: bound to {@code bind}, the one address the
     * node listens on (null: every address), and then registered with there.
     */
    static NodeEpmd register(NodeName name, NodeConfig config, int port, InetAddress bind) throws IOException {
        EpmdServer embedded = EpmdServer.startIfAbsent(bind, config.epmdPort()).orElse(null);
        try {
            InetAddress at = embedded != null && bind != null ? bind : InetAddress.getLoopbackAddress();
            EpmdClient epmd = new EpmdClient(at, config.epmdPort(), config.setupTime());
            return new NodeEpmd(epmd.register(name.alive(), port, config.hidden()), embedded);
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Ends the registration, then stops the embedded EPMD if this node started one. */
    @Override
    public void close() {
        registration.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
