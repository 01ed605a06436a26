/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The handshake phase's framing of a {@link StreamConnection}: each message behind a 2-byte
 * length ({@code inet_tcp_dist}, {@code erl_uds_dist}) or a 4-byte one ({@code inet_tls_dist}),
 * at most {@link StreamConnection#MAX_HANDSHAKE} bytes either way.
 */
final class HandshakeFrames {

    private HandshakeFrames() {
    }

    /** {@code message} behind its length prefix of {@code header} bytes, ready to write. */
    static ByteBuffer frame(int header, byte[] message) throws IOException {
        if (message.length > StreamConnection.MAX_HANDSHAKE) {
            throw new IOException("handshake message: " + message.length + " bytes (expected: at most "
                    + StreamConnection.MAX_HANDSHAKE + ")");
        }
        ByteBuffer frame = ByteBuffer.allocate(header + message.length);
        if (header == 2) {
            frame.putShort((short) message.length);
        } else {
            frame.putInt(message.length);
        }
        return frame.put(message).flip();
    }

    /** Reads one framed message from {@code stream}, all of it within {@code timeout}. */
    static byte[] read(ByteStream stream, int header, Duration timeout, String peerAddress) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] prefix = new byte[header];
        fill(stream, prefix, deadline, "frame length", peerAddress);
        long length = 0;
        for (byte b : prefix) {
            length = (length << 8) | (b & 0xFF);
        }
        if (length > StreamConnection.MAX_HANDSHAKE) {
            throw new IOException("handshake frame length: " + length + " bytes (expected: at most "
                    + StreamConnection.MAX_HANDSHAKE + ") from " + peerAddress);
        }
        byte[] message = new byte[(int) length];
        fill(stream, message, deadline, "frame body", peerAddress);
        return message;
    }

    /** Fills {@code into} from the stream, each read bounded by what is left until {@code deadline}. */
    private static void fill(ByteStream stream, byte[] into, long deadline, String what, String peerAddress)
            throws IOException {
        int off = 0;
        while (off < into.length) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("handshake " + what + ": " + off + " of " + into.length
                        + " bytes within the setup time from " + peerAddress);
            }
            int n = stream.read(into, off, into.length - off, leftMillis);
            if (n < 0) {
                throw new EOFException("handshake " + what + ": connection closed after " + off + " of "
                        + into.length + " bytes from " + peerAddress);
            }
            off += n;
        }
    }
}
