/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.term.NodeName;

/**
 * What the connection table tells the node (signals in, nodeup, nodedown, a failed connect,
 * a listener that failed for good), passed on to the dispatch, the process runtime and the
 * {@link NodeListener}s. A listener that throws is logged and the others still hear.
 */
final class NodeEvents implements ConnectionTable.Host {

    private static final Logger LOG = System.getLogger(Node.class.getName());

    private final Node node;
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();

    /** {@code node}'s runtime and dispatch are read on each event, so they may be made after this. */
    NodeEvents(Node node) {
        this.node = node;
    }

    void add(NodeListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
    }

    void remove(NodeListener l) {
        listeners.remove(l);
    }

    @Override
    public void received(DistConnection connection, Signal signal) {
        node.dispatch().received(connection, signal);
    }

    @Override
    public void nodeUp(NodeName peer, DistConnection connection) {
        node.processes().notifyNodeWatchers(peer, true, connection, null);
        for (NodeListener l : listeners) {
            try {
                l.nodeUp(peer);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "node listener failed on nodeup " + peer, e);
            }
        }
    }

    @Override
    public void connectFailed(NodeName peer, ConnectionFate fate) {
        node.processes().connectionLost(peer);
    }

    @Override
    public void stop(String reason, Throwable cause) {
        node.stopFor(reason, cause);
    }

    @Override
    public void connectionLost(NodeName peer) {
        node.processes().connectionLost(peer);
    }

    @Override
    public void nodeDown(NodeName peer, DistConnection connection, ConnectionFate fate) {
        node.processes().notifyNodeWatchers(peer, false, connection, fate);
        for (NodeListener l : listeners) {
            try {
                l.nodeDown(peer, fate);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "node listener failed on nodedown " + peer, e);
            }
        }
    }

    /** Tells every listener the node stopped with {@code reason}. */
    void stopped(String reason) {
        for (NodeListener l : listeners) {
            try {
                l.stopped(reason);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "node listener failed on stop of " + node.name(), e);
            }
        }
    }
}
