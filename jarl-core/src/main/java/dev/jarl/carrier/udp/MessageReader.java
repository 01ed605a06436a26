/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import dev.jarl.carrier.DistChannel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts the in-order byte stream of a connection into messages: each message is a 4-byte
 * big-endian length and that many bytes, an empty message being a tick. Not thread-safe:
 * only the connection's input path feeds it.
 *
 * <p><b>Memory follows bytes.</b> A length is checked against the limit before anything is
 * allocated, and a message's buffer is allocated whole from its length only when that is
 * small or within the channel's receive allowance ({@link DistChannel#reserveAhead}); a
 * longer message's buffer grows as its bytes come. Before the handshake completed (no
 * channel yet) nothing is allocated from a length beyond a handshake message's 65,535
 * bytes, and the bytes received in all are bounded by {@link #PRE_AUTH_BYTES}.
 */
final class MessageReader {

    /** The largest handshake message. */
    static final int MAX_HANDSHAKE = 0xFFFF;
    /**
     * The most bytes a connection takes before its handshake completed: the handshake's own
     * messages (a few, each at most {@link #MAX_HANDSHAKE}) and what a peer that finished
     * first sends before this side has finished too.
     */
    static final int PRE_AUTH_BYTES = 1 << 20;
    /** The first size of a buffer grown as its bytes come; messages up to it are allocated whole. */
    static final int GROW_FROM = 64 * 1024;

    private final int maxPacketSize;
    /** Null until the handshake completed. */
    private DistChannel channel;
    private long preAuthBytes;
    private int header;
    private int headerBytes;
    private byte[] body;
    private int bodyFill;
    private int length;
    /** True when {@link #body} was allocated whole from the channel's allowance. */
    private boolean reserved;

    MessageReader(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    /** The handshake completed: later messages are distribution packets for {@code ch}. */
    void authenticated(DistChannel ch) {
        this.channel = ch;
    }

    /**
     * The length of a message in progress that is longer than any handshake message while the
     * handshake has not completed, or 0. The handshake's reader fails on it rather than wait.
     */
    int overLongBeforeHandshake() {
        return channel == null && body != null && length > MAX_HANDSHAKE ? length : 0;
    }

    /** The capacity of the buffer of the message in progress, 0 between messages (for tests). */
    int bufferCapacity() {
        return body == null ? 0 : body.length;
    }

    /**
     * Consumes {@code chunk} (position..limit), adding every message it completes to
     * {@code out}.
     *
     * @throws IllegalArgumentException when a declared length exceeds the limit, or more
     *                                  bytes than {@link #PRE_AUTH_BYTES} came before the
     *                                  handshake completed
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
                length = header;
                int initial;
                if (channel == null) {
                    initial = Math.min(length, MAX_HANDSHAKE);
                } else if (length <= GROW_FROM) {
                    initial = length;
                } else {
                    reserved = channel.reserveAhead(length);
                    initial = reserved ? length : GROW_FROM;
                }
                body = new byte[initial];
                bodyFill = 0;
            }
            int n = Math.min(chunk.remaining(), length - bodyFill);
            if (channel == null) {
                preAuthBytes += n;
                if (preAuthBytes > PRE_AUTH_BYTES) {
                    throw new IllegalArgumentException("before the handshake completed: " + preAuthBytes
                            + " bytes (expected: at most " + PRE_AUTH_BYTES + "; a handshake message is at most "
                            + MAX_HANDSHAKE + ")");
                }
            }
            if (bodyFill + n > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(length, Math.max(bodyFill + n, 2L * body.length)));
            }
            chunk.get(body, bodyFill, n);
            bodyFill += n;
            if (bodyFill == length) {
                out.add(ByteBuffer.wrap(body, 0, length));
                if (reserved) {
                    channel.releaseAhead(length);
                    reserved = false;
                }
                body = null;
                header = 0;
                headerBytes = 0;
            }
        }
    }
}
