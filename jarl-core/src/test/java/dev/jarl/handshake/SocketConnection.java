/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.DistChannel;

/**
 * A minimal test carrier connection over a plain socket: 2-byte frames, counts the nodeup
 * hooks. Enough to run {@link Handshake} against hand-written frames.
 */
final class SocketConnection implements CarrierConnection {

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    final AtomicInteger preNodeup = new AtomicInteger();
    final AtomicInteger postNodeup = new AtomicInteger();

    SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Two connected ends over loopback. */
    static SocketConnection[] pair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket a = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket b = server.accept();
            a.setTcpNoDelay(true);
            b.setTcpNoDelay(true);
            return new SocketConnection[] {new SocketConnection(a), new SocketConnection(b)};
        }
    }

    /** Writes a raw frame: 2-byte length then the bytes. */
    void writeFrame(byte[] m) throws IOException {
        out.writeShort(m.length);
        out.write(m);
        out.flush();
    }

    /** Reads a raw frame. */
    byte[] readFrame() throws IOException {
        int len = in.readUnsignedShort();
        return in.readNBytes(len);
    }

    @Override
    public void sendHandshake(byte[] message) throws IOException {
        writeFrame(message);
    }

    @Override
    public byte[] receiveHandshake(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        int len = in.readUnsignedShort();
        byte[] m = new byte[len];
        in.readFully(m);
        return m;
    }

    @Override
    public void preNodeup() {
        preNodeup.incrementAndGet();
    }

    @Override
    public void postNodeup() {
        postNodeup.incrementAndGet();
    }

    @Override
    public void handshakeComplete(DistChannel channel) {
        throw new UnsupportedOperationException("test connection");
    }

    @Override
    public void tick() {
    }

    @Override
    public CarrierStats stats() {
        return new CarrierStats(0, 0, 0);
    }

    @Override
    public String peerAddress() {
        return socket.getRemoteSocketAddress().toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
