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
import dev.jarl.carrier.stream.NewConnectionOptions;
import dev.jarl.carrier.stream.SocketListener;

/** A listening TCP socket; {@link #accept()} blocks (on a virtual thread) for the next peer. */
final class TcpListener extends SocketListener {

    private final ServerSocketChannel server;
    private final int maxPacketSize;

    private final NewConnectionOptions options;

    TcpListener(ServerSocketChannel server, int maxPacketSize, NewConnectionOptions options) throws IOException {
        super(server, (InetSocketAddress) server.getLocalAddress(), options);
        this.server = server;
        this.maxPacketSize = maxPacketSize;
        this.options = options;
    }

    @Override
    public boolean isOpen() {
        return server.isOpen();
    }

    @Override
    public CarrierConnection accept() throws IOException {
        SocketChannel channel = server.accept();
        try {
            TcpConnection connection = new TcpConnection(channel, maxPacketSize);
            connection.apply(options);
            return connection;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
