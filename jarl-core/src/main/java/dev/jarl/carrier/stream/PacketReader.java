/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import dev.jarl.carrier.DistChannel;

/**
 * The reads under a {@link StreamConnection}'s input loop: filling its read buffer (in read
 * mode) to a length prefix or a whole lent packet, gathering a packet into the reused packet
 * buffer, and receiving a large packet within or beyond the receive allowance. Used by the
 * input thread alone.
 */
final class PacketReader {

    private final ByteStream stream;
    /** Fails the connection with a reason (and no cause) when the stream ends inside a large packet. */
    private final BiConsumer<String, Throwable> fail;

    /** How long {@link #fill} polls the stream before a read that would block ({@link ByteStream#spinForInput}); 0: never. */
    private final long spinNanos;

    /**
     * Runs before every read: the input thread writes what its handlers sent (see
     * {@code StreamConnection.writeQueuedNoWait}) once it has handed over what it read.
     */
    private final Runnable beforeRead;

    PacketReader(ByteStream stream, BiConsumer<String, Throwable> fail, long spinNanos, Runnable beforeRead) {
        this.stream = stream;
        this.fail = fail;
        this.spinNanos = spinNanos;
        this.beforeRead = beforeRead;
    }

    /**
     * A packet over {@link StreamConnection#BORROW_LIMIT} bytes, in a buffer of its own (in read mode), or
     * null when the stream ended inside it (the connection has failed). Within the
     * connection's receive allowance the buffer is allocated whole from the header and the
     * bytes are read straight into it. Beyond it the bytes are read into chunks, each at most
     * as large as what already came (so a length claimed and not sent costs at most what was
     * sent), and assembled once at the end.
     */
    ByteBuffer large(DistChannel ch, ByteBuffer buffer, int length) throws IOException {
        if (ch.reserveAhead(length)) {
            try {
                ByteBuffer packet = ByteBuffer.allocate(length);
                return readInto(buffer, packet, 0, length) ? packet.flip() : null;
            } finally {
                ch.releaseAhead(length);
            }
        }
        List<ByteBuffer> chunks = new ArrayList<>();
        int got = 0;
        while (got < length) {
            int size = Math.max(StreamConnection.GROW_FROM, Math.min(got, StreamConnection.MAX_CHUNK));
            ByteBuffer chunk = ByteBuffer.allocate(Math.min(length - got, size));
            if (!readInto(buffer, chunk, got, length)) {
                return null;
            }
            got += chunk.flip().remaining();
            chunks.add(chunk);
        }
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        ByteBuffer packet = ByteBuffer.allocate(length);
        for (ByteBuffer c : chunks) {
            packet.put(c);
        }
        return packet.flip();
    }

    /**
     * Fills {@code into} with the packet's next bytes: those {@code buffer} (in read mode)
     * holds, then reads straight into it; false (and the connection failed) when the stream
     * ends first. {@code before} bytes of the packet's {@code length} came earlier.
     */
    private boolean readInto(ByteBuffer buffer, ByteBuffer into, int before, int length) throws IOException {
        int buffered = Math.min(into.remaining(), buffer.remaining());
        into.put(buffer.slice(buffer.position(), buffered));
        buffer.position(buffer.position() + buffered);
        while (into.hasRemaining()) {
            int limit = into.limit();
            into.limit(Math.min(limit, into.position() + StreamConnection.SLICE));
            beforeRead.run();
            int n = stream.read(into);
            into.limit(limit);
            if (n < 0) {
                fail.accept("connection closed by peer inside a packet (" + (before + into.position()) + " of " + length
                        + " bytes)", null);
                return false;
            }
        }
        return true;
    }

    /**
     * Reads until {@code buffer} (in read mode) holds the next {@code n} bytes in one piece,
     * moving what it holds to its start at most once; false at end of stream. {@code n} is
     * at most half the buffer, so a move copies less than the packet.
     */
    boolean fillWhole(ByteBuffer buffer, int n) throws IOException {
        if (buffer.remaining() >= n) {
            return true;
        }
        if (buffer.capacity() - buffer.position() < n) {
            buffer.compact().flip();
        }
        while (buffer.remaining() < n) {
            int position = buffer.position();
            buffer.position(buffer.limit()).limit(buffer.capacity());
            beforeRead.run();
            int read = stream.read(buffer);
            buffer.limit(buffer.position()).position(position);
            if (read < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies the next {@code n} bytes into {@code into}: what {@code buffer} (in read mode)
     * holds, then further reads through it, each taking as much as the stream has, so the
     * next packets' bytes come with this one's tail. Returns {@code n}, or fewer at the end
     * of the stream.
     */
    int gather(ByteBuffer buffer, byte[] into, int n) throws IOException {
        int at = 0;
        while (true) {
            int take = Math.min(n - at, buffer.remaining());
            buffer.get(into, at, take);
            at += take;
            if (at == n) {
                return n;
            }
            buffer.clear();
            beforeRead.run();
            int read = stream.read(buffer);
            buffer.flip();
            if (read < 0) {
                return at;
            }
        }
    }

    /**
     * Reads until {@code buffer} (in read mode) has {@code n} bytes; false at end of stream.
     * With a spin, each read is preceded by up to {@code spinNanos} of polling, so the next
     * packet's first bytes, when they come within it, are read without the kernel waking
     * this thread; after the spin the read blocks as usual, so an idle connection costs no
     * CPU.
     */
    boolean fill(ByteBuffer buffer, int n) throws IOException {
        while (buffer.remaining() < n) {
            buffer.compact();
            beforeRead.run();
            if (spinNanos > 0) {
                stream.spinForInput(spinNanos);
            }
            int read = stream.read(buffer);
            buffer.flip();
            if (read < 0) {
                return false;
            }
        }
        return true;
    }
}
