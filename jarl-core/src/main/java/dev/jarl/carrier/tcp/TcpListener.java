/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.stream.SocketListener;

/** A listening TCP socket; {@link #accept()} blocks (on a virtual thread) for the next peer. */
final class TcpListener extends SocketListener {

    private final ServerSocketChannel server;
    private final int maxPacketSize;

    TcpListener(ServerSocketChannel server, int maxPacketSize) throws IOException {
        super(server, (InetSocketAddress) server.getLocalAddress());
        this.server = server;
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    public boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public CarrierConnection accept() throws IOException {
        SocketChannel channel = server.accept();
        try {
            return new TcpConnection(channel, maxPacketSize);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
