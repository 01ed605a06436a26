/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The far side of a handshake test, written by hand: 2-byte frames over a plain socket and
 * builders for each message, byte by byte as the protocol guide draws them.
 */
final class RawPeer implements AutoCloseable {

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    void frame(byte[] message) throws IOException {
        out.writeShort(message.length);
        out.write(message);
        out.flush();
    }

    /** Writes a frame header announcing {@code declared} bytes but only {@code body}, then closes. */
    void truncatedFrame(int declared, byte[] body) throws IOException {
        out.writeShort(declared);
        out.write(body);
        out.flush();
        socket.shutdownOutput();
    }

    byte[] read() throws IOException {
        int length = in.readUnsignedShort();
        return in.readNBytes(length);
    }

    /** Reads a frame and expects the status text. */
    String readStatus() throws IOException {
        byte[] m = read();
        if (m.length == 0 || m[0] != 's') {
            throw new AssertionError("expected a status message, got " + Arrays.toString(m));
        }
        return new String(m, 1, m.length - 1, StandardCharsets.ISO_8859_1);
    }

    /** True when the other side closed without sending anything more. */
    boolean closedByOtherSide() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException e) {
            return true;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    static byte[] sendName(long flags, int creation, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(15 + n.length).put((byte) 'N').putLong(flags).putInt(creation)
                .putShort((short) n.length).put(n).array();
    }

    static byte[] oldSendName(int version, int flags, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(7 + n.length).put((byte) 'n').putShort((short) version).putInt(flags).put(n).array();
    }

    static byte[] complement(int flagsHigh, int creation) {
        return ByteBuffer.allocate(9).put((byte) 'c').putInt(flagsHigh).putInt(creation).array();
    }

    static byte[] status(String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(1 + t.length).put((byte) 's').put(t).array();
    }

    static byte[] challenge(long flags, int challenge, int creation, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(19 + n.length).put((byte) 'N').putLong(flags).putInt(challenge)
                .putInt(creation).putShort((short) n.length).put(n).array();
    }

    static byte[] reply(int challenge, byte[] digest) {
        return ByteBuffer.allocate(21).put((byte) 'r').putInt(challenge).put(digest).array();
    }

    static byte[] ack(byte[] digest) {
        return ByteBuffer.allocate(17).put((byte) 'a').put(digest).array();
    }

    /** A received challenge ('N' from the acceptor), decoded by hand. */
    record Challenge(long flags, int challenge, int creation, String name) {
        static Challenge parse(byte[] m) {
            ByteBuffer b = ByteBuffer.wrap(m);
            if (b.get() != 'N') {
                throw new AssertionError("expected 'N' challenge, got " + Arrays.toString(m));
            }
            long flags = b.getLong();
            int challenge = b.getInt();
            int creation = b.getInt();
            byte[] n = new byte[b.getShort() & 0xFFFF];
            b.get(n);
            if (b.hasRemaining()) {
                throw new AssertionError("trailing bytes after challenge");
            }
            return new Challenge(flags, challenge, creation, new String(n, StandardCharsets.ISO_8859_1));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
