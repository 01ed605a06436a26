/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tcp;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

import dev.jarl.carrier.stream.SocketChannelStream;
import dev.jarl.carrier.stream.StreamConnection;

/**
 * One TCP distribution connection: the stream connection over a TCP socket with
 * {@code inet_tcp_dist} framing (2-byte frames for the handshake, 4-byte frames after
 * {@code preNodeup}); see {@link StreamConnection} for the controller.
 */
final class TcpConnection extends StreamConnection {

    /** Write system calls made so far; lets tests prove that queued packets share writes. */
    final AtomicLong writeCalls;

    TcpConnection(SocketChannel socket, int maxPacketSize) throws IOException {
        super(new SocketChannelStream(socket), "tcp", 2, maxPacketSize);
        this.writeCalls = writeCalls();
    }
}
