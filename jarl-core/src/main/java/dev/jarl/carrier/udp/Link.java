/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Where datagrams leave the carrier. The default writes them to the socket; tests put a
 * fault-injecting link here that drops, duplicates, reorders and delays them.
 */
@FunctionalInterface
interface Link {

    /** The socket itself. */
    Link DIRECT = (channel, datagram, target) -> channel.send(datagram, target);

    /** Sends {@code datagram} (position..limit) from {@code channel} to {@code target}. */
    void send(DatagramChannel channel, ByteBuffer datagram, InetSocketAddress target) throws IOException;
}
