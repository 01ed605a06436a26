/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import dev.jarl.carrier.NanoClock;

/**
 * The initiator's own socket, connected to the responder: it serves exactly one connection
 * and closes when that connection ends.
 */
final class InitiatorEndpoint extends Endpoint {

    private final ByteBuffer scratch = ByteBuffer.allocateDirect(Endpoint.RECEIVE_BUFFER);
    private volatile UdpConnection connection;

    InitiatorEndpoint(DatagramChannel channel, Link link, NanoClock clock) throws IOException {
        super(channel, link, clock);
    }

    void attach(UdpConnection c) {
        connection = c;
    }

    @Override
    void dispatch(Datagram datagram, InetSocketAddress from) {
        UdpConnection c = connection;
        if (c == null || datagram.destination() != c.localId) {
            drop(from, "connection id: " + Long.toHexString(datagram.destination()) + " (expected: "
                    + (c == null ? "none" : Long.toHexString(c.localId)) + ")");
        } else if (!c.peer().equals(from)) {
            drop(from, "source address: " + from + " (expected: " + c.peer() + ")");
        } else {
            c.onDatagram(datagram, scratch);
        }
    }

    @Override
    void forget(UdpConnection c) {
        closeSocket();
    }

    @Override
    void receiveEnded() {
        UdpConnection c = connection;
        if (c != null) {
            c.fail("socket " + local + " closed", null, false);
        }
    }
}
