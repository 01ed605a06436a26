/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Cuts the in-order byte stream of a connection into messages: each message is a 4-byte
 * big-endian length and that many bytes, an empty message being a tick. The length is
 * checked against the limit before the message buffer is allocated. Not thread-safe: only
 * the connection's input path feeds it.
 */
final class MessageReader {

    private final int maxPacketSize;
    private int header;
    private int headerBytes;
    private byte[] body;
    private int bodyFill;

    MessageReader(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /**
     * Consumes {@code chunk} (position..limit), adding every message it completes to
     * {@code out}.
     *
     * @throws IllegalArgumentException when a declared length exceeds the limit
     */
    void feed(ByteBuffer chunk, List<ByteBuffer> out) {
        while (chunk.hasRemaining()) {
            if (body == null) {
                while (headerBytes < 4 && chunk.hasRemaining()) {
                    header = (header << 8) | (chunk.get() & 0xFF);
                    headerBytes++;
                }
                if (headerBytes < 4) {
                    return;
                }
                if (header < 0 || header > maxPacketSize) {
                    throw new IllegalArgumentException("packet length: " + Integer.toUnsignedString(header)
                            + " bytes (expected: at most " + maxPacketSize + ")");
                }
                body = new byte[header];
                bodyFill = 0;
            }
            int n = Math.min(chunk.remaining(), body.length - bodyFill);
            chunk.get(body, bodyFill, n);
            bodyFill += n;
            if (bodyFill == body.length) {
                out.add(ByteBuffer.wrap(body));
                body = null;
                header = 0;
                headerBytes = 0;
            }
        }
    }
}
