/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;
import java.time.Instant;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.channel.DistConnection;
import dev.jarl.jfr.ConnectionDown;
import dev.jarl.jfr.ConnectionUp;
import dev.jarl.jfr.HandshakeFailure;
import dev.jarl.term.NodeName;

/**
 * The connection table's JFR events ({@code dev.jarl.ConnectionUp}, {@code ConnectionDown},
 * {@code HandshakeFailure}): each is built and committed only while a recording has it
 * enabled.
 */
final class Events {

    private Events() {
    }

    static void connectionUp(NodeName self, String carrier, DistConnection c, boolean outgoing, boolean hidden) {
        ConnectionUp e = new ConnectionUp();
        if (e.shouldCommit()) {
            e.node = self.toString();
            e.peer = c.peer().toString();
            e.carrier = carrier;
            e.address = c.peerAddress();
            e.outgoing = outgoing;
            e.hidden = hidden;
            e.flags = c.agreedFlags();
            e.commit();
        }
    }

    static void connectionDown(NodeName self, String carrier, DistConnection c, ConnectionFate fate) {
        ConnectionDown e = new ConnectionDown();
        if (e.shouldCommit()) {
            DistConnection.Counters k = c.counters();
            e.node = self.toString();
            e.peer = c.peer().toString();
            e.carrier = carrier;
            e.reason = Processes.nodedownReason(fate).name();
            e.detail = fate.toString();
            e.upMillis = Duration.between(c.since(), Instant.now()).toMillis();
            e.bytesIn = k.bytesIn();
            e.bytesOut = k.bytesOut();
            e.packetsIn = k.packetsIn();
            e.packetsOut = k.packetsOut();
            e.commit();
        }
    }

    /**
     * A failed handshake; {@code peer} is null when the peer never said its name.
     * {@code fate} is a {@link ConnectionFate.HandshakeFailed}; other fates are not handshake
     * failures and are not recorded here.
     */
    static void handshakeFailure(NodeName self, NodeName peer, String address, boolean outgoing, ConnectionFate fate) {
        if (!(fate instanceof ConnectionFate.HandshakeFailed h)) {
            return;
        }
        HandshakeFailure e = new HandshakeFailure();
        if (e.shouldCommit()) {
            e.node = self.toString();
            e.peer = peer == null ? "" : peer.toString();
            e.address = address == null ? "" : address;
            e.outgoing = outgoing;
            HandshakeException.Reason reason = h.reason();
            e.reason = reason.name();
            e.detail = h.detail();
            e.commit();
        }
    }
}
