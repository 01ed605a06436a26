/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An Erlang binary: a whole number of bytes.
 *
 * <p>Immutable. {@link #of(byte[])} copies its argument and {@link #bytes()} returns a copy;
 * the other accessors ({@link #byteAt}, {@link #copyTo}, {@link #writeTo},
 * {@link #asByteBuffer}) read without copying. A binary decoded by a {@link TermReader} that
 * shares its input is a window on that input array (see {@link TermReader}).
 *
 * <p><b>Sending.</b> Sending a binary never copies it on the sender's thread: a binary of
 * 8 KiB or more stays where it is until the connection writes it, which is safe because a
 * binary never changes. Where its bytes live decides the rest of its way to the socket. A
 * binary on the Java heap (the default) is copied once more by the JDK, into a temporary
 * native buffer, because a socket can only be handed native memory. An <em>off-heap</em>
 * binary ({@link #offHeap(byte[])}, {@link #toOffHeap()}, or {@link #wrap(ByteBuffer)} of a
 * direct buffer) is already in native memory and goes to the kernel as it is, as the BEAM
 * writes a reference-counted binary: worth it for large binaries sent more than once (to many
 * processes or nodes, or again and again), since making one costs a copy itself. Off-heap
 * memory is freed when the binary is collected, counts against
 * {@code -XX:MaxDirectMemorySize} (by default the maximum heap size), and costs more to
 * allocate than an array; reading it element by element ({@link #byteAt}), comparing,
 * hashing and printing are slower than on the heap. Binaries Jarl decodes are on the heap.
 *
 * <p><b>No copy on the way in.</b> {@link #wrap(ByteBuffer)} takes a buffer's bytes without
 * copying them. The caller promises never to change them afterwards: a binary is immutable,
 * and one that changed after it was sent could reach the peer with either content, or a mix.
 */
public final class Binary implements Term {

    /** The empty binary {@code <<>>}. */
    public static final Binary EMPTY = new Binary(new byte[0], 0, 0);

    /** Heap bytes, or null when the bytes are off the heap, in {@link #offHeap}. */
    private final byte[] array;
    private final int offset;
    private final int length;
    /** A read-only direct buffer whose position..limit are the bytes, or null on the heap. */
    private final ByteBuffer offHeap;

    private Binary(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.offHeap = null;
    }

    private Binary(ByteBuffer direct) {
        this.array = null;
        this.offset = 0;
        this.length = direct.remaining();
        this.offHeap = direct.slice().asReadOnlyBuffer();
    }

    /**
     * A binary holding a copy of {@code bytes} in native (off-heap) memory, which a socket
     * carrier writes without copying it again; see "Sending" above for when that pays.
     */
    public static Binary offHeap(byte[] bytes) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        return new Binary(ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
    }

    /**
     * This binary in native (off-heap) memory: itself when it is there already, else a copy
     * made once. For a large binary about to be sent many times.
     */
    public Binary toOffHeap() {
        if (offHeap != null || length == 0) {
            return this;
        }
        return new Binary(ByteBuffer.allocateDirect(length).put(array, offset, length).flip());
    }

    /** True when the bytes are in native memory ({@link #offHeap(byte[])}, {@link #toOffHeap()}, {@link #wrap(ByteBuffer)}). */
    public boolean isOffHeap() {
        return offHeap != null;
    }

    /**
     * A binary of {@code buffer}'s remaining bytes, <em>not copied</em>: on the heap for a heap
     * buffer, off the heap for a direct one. The buffer's position and limit are not changed.
     * The caller must never change those bytes afterwards, through {@code buffer} or any other
     * view of its memory: a binary is immutable, and bytes changed after a send may reach the
     * peer changed, unchanged or mixed. Use {@link #of(byte[])} (a copy) when that cannot be
     * promised.
     */
    public static Binary wrap(ByteBuffer buffer) {
        int n = buffer.remaining();
        if (n == 0) {
            return EMPTY;
        }
        if (buffer.isDirect()) {
            return new Binary(buffer);
        }
        if (buffer.hasArray()) {
            return new Binary(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
        }
        // a read-only heap buffer hides its array: the one case that must copy
        byte[] copy = new byte[n];
        buffer.duplicate().get(copy);
        return new Binary(copy, 0, n);
    }

    /** A binary holding a copy of {@code bytes}. */
    public static Binary of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** A binary holding a copy of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Binary of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return EMPTY;
        }
        return new Binary(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
    }

    /** The UTF-8 encoding of {@code text}, the way Elixir strings are binaries. */
    public static Binary of(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length == 0 ? EMPTY : new Binary(bytes, 0, bytes.length);
    }

    /** A window on {@code array}, not copied; the caller promises never to change it. */
    static Binary share(byte[] array, int offset, int length) {
        return length == 0 ? EMPTY : new Binary(array, offset, length);
    }

    /** The number of bytes. */
    public int size() {
        return length;
    }

    /** The byte at {@code index}, 0-based. */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return offHeap != null ? offHeap.get(index) : array[offset + index];
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        if (offHeap != null) {
            byte[] copy = new byte[length];
            offHeap.get(0, copy);
            return copy;
        }
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** Copies the bytes into {@code target} from {@code targetOffset}. */
    public void copyTo(byte[] target, int targetOffset) {
        if (offHeap != null) {
            Objects.checkFromIndexSize(targetOffset, length, target.length);
            offHeap.get(0, target, targetOffset, length);
            return;
        }
        System.arraycopy(array, offset, target, targetOffset, length);
    }

    /** Most bytes copied at a time when an off-heap binary is written to a stream. */
    private static final int STREAM_CHUNK = 64 * 1024;

    /**
     * Writes the bytes to {@code out}: a heap binary without an intermediate copy, an off-heap
     * one through a buffer of at most 64 KiB.
     */
    public void writeTo(OutputStream out) throws IOException {
        if (offHeap == null) {
            out.write(array, offset, length);
            return;
        }
        byte[] chunk = new byte[Math.min(length, STREAM_CHUNK)];
        for (int at = 0; at < length; at += chunk.length) {
            int n = Math.min(chunk.length, length - at);
            offHeap.get(at, chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /** A read-only view of the bytes, not a copy (a direct buffer for an off-heap binary). */
    public ByteBuffer asByteBuffer() {
        if (offHeap != null) {
            return offHeap.duplicate();
        }
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * The bytes decoded as UTF-8 (malformed sequences become U+FFFD), as for an Elixir
     * string.
     */
    public String utf8() {
        if (offHeap != null) {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    /** The bytes on the heap: the binary's own array, or for an off-heap binary a copy (then {@link #offset()} is 0). */
    byte[] array() {
        return offHeap != null ? bytes() : array;
    }

    /** Where the bytes start in {@link #array()}. */
    int offset() {
        return offHeap != null ? 0 : offset;
    }

    /** A copy of the bytes. */
    @Override
    public Object toJava() {
        return bytes();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Binary other) || other.length != length) {
            return false;
        }
        if (offHeap == null && other.offHeap == null) {
            return Arrays.equals(array, offset, offset + length, other.array, other.offset, other.offset + other.length);
        }
        return asByteBuffer().equals(other.asByteBuffer());
    }

    /** Computed from the bytes each time (not cached, so a decoded binary stays small). */
    @Override
    public int hashCode() {
        return Hashing.bytes(4, array(), offset(), length, 0);
    }

    /** {@code <<"text">>} when every byte is printable ASCII, otherwise {@code <<1,2,3>>}. */
    @Override
    public String toString() {
        return TermFormat.bits(array(), offset(), length, 0);
    }
}
