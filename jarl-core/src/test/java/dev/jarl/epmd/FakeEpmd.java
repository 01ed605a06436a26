/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A scripted stand-in for EPMD on loopback: accepts connections, reads one framed request from
 * each, writes a canned reply, then closes the connection or, if asked, stays silent with it
 * open until the fake is closed.
 */
final class FakeEpmd implements AutoCloseable {

    private final ServerSocket server;
    private final BlockingQueue<Socket> open = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();

    private FakeEpmd(byte[] reply, boolean keepOpen) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s, reply, keepOpen));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    /** Replies {@code reply} to each request, then closes. */
    static FakeEpmd replying(byte... reply) throws IOException {
        return new FakeEpmd(reply, false);
    }

    /** Replies {@code reply} (maybe nothing) and then keeps the connection open, saying nothing. */
    static FakeEpmd silentAfter(byte... reply) throws IOException {
        return new FakeEpmd(reply, true);
    }

    private void serve(Socket s, byte[] reply, boolean keepOpen) {
        try {
            InputStream in = s.getInputStream();
            byte[] len = in.readNBytes(2);
            if (len.length == 2) {
                requests.add(in.readNBytes((len[0] & 0xFF) << 8 | len[1] & 0xFF));
            }
            s.getOutputStream().write(reply);
            s.getOutputStream().flush();
            if (!keepOpen) {
                s.close();
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    int port() {
        return server.getLocalPort();
    }

    EpmdClient client(java.time.Duration timeout) {
        return new EpmdClient(InetAddress.getLoopbackAddress(), port(), timeout);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
