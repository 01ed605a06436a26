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
 */
public final class Binary implements Term {

    /** The empty binary {@code <<>>}. */
    public static final Binary EMPTY = new Binary(new byte[0], 0, 0);

    private final byte[] array;
    private final int offset;
    private final int length;

    private Binary(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
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
        return array[offset + index];
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** Copies the bytes into {@code target} from {@code targetOffset}. */
    public void copyTo(byte[] target, int targetOffset) {
        System.arraycopy(array, offset, target, targetOffset, length);
    }

    /** Writes the bytes to {@code out} without an intermediate copy. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(array, offset, length);
    }

    /** A read-only view of the bytes, not a copy. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * The bytes decoded as UTF-8 (malformed sequences become U+FFFD), as for an Elixir
     * string.
     */
    public String utf8() {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    /** A copy of the bytes. */
    @Override
    public Object toJava() {
        return bytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Binary other
                && Arrays.equals(array, offset, offset + length, other.array, other.offset, other.offset + other.length);
    }

    /** Computed from the bytes each time (not cached, so a decoded binary stays small). */
    @Override
    public int hashCode() {
        return Hashing.bytes(4, array, offset, length, 0);
    }

    /** {@code <<"text">>} when every byte is printable ASCII, otherwise {@code <<1,2,3>>}. */
    @Override
    public String toString() {
        return TermFormat.bits(array, offset, length, 0);
    }
}
