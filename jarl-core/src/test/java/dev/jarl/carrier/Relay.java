/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A byte relay between a carrier and a listener (TCP or Unix socket) that a test can cut,
 * as a failing network would: {@link #cut()} resets (TCP) or drops every relayed connection at
 * once, in both directions, without any orderly close from either end.
 */
public final class Relay implements AutoCloseable {

    private final ServerSocketChannel server;
    private final SocketAddress target;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();

    /** A relay listening on {@code at} (a TCP address with port 0 picks one) that forwards to {@code target}. */
    public Relay(SocketAddress at, SocketAddress target) throws IOException {
        this.target = target;
        this.server = ServerSocketChannel.open(at instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        server.bind(at);
        Thread.ofVirtual().name("relay-accept").start(this::acceptLoop);
    }

    /** Where the relay listens. */
    public SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    /** The TCP port the relay listens on. */
    public int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                SocketChannel in = server.accept();
                SocketChannel out = SocketChannel.open(target);
                open.add(in);
                open.add(out);
                Thread.ofVirtual().start(() -> pump(in, out));
                Thread.ofVirtual().start(() -> pump(out, in));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // cut or closed
        }
    }

    /** Breaks every relayed connection abruptly: a TCP reset on both sides. */
    public void cut() {
        for (SocketChannel c : open) {
            try {
                if (c.getLocalAddress() instanceof InetSocketAddress) {
                    c.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                c.close();
            } catch (IOException e) {
                // already gone
            }
        }
        open.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
