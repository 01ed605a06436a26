/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Arrays;
import java.util.Objects;

/**
 * An Erlang bit string whose size is not a whole number of bytes, such as {@code <<1:3>>}.
 *
 * <p>A whole number of bytes is a {@link Binary}, never a {@code BitString}. The bits fill
 * the bytes from the most significant bit; the last byte uses {@link #lastByteBits()} of its
 * high bits (1 to 7), and its unused low bits are always zero here.
 */
public final class BitString implements Term {

    private final byte[] bytes;
    private final int lastByteBits;

    /**
     * A bit string of {@code bytes.length - 1} whole bytes and the {@code lastByteBits} high
     * bits of the last byte; the unused low bits of the last byte are ignored.
     *
     * @param bytes        the data, at least one byte (copied)
     * @param lastByteBits how many high bits of the last byte belong to the bit string, 1..7
     */
    public BitString(byte[] bytes, int lastByteBits) {
        this(bytes, 0, bytes.length, lastByteBits);
    }

    BitString(byte[] data, int offset, int length, int lastByteBits) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length == 0) {
            throw new IllegalArgumentException("bit string: 0 bytes (expected: at least 1)");
        }
        if (lastByteBits < 1 || lastByteBits > 7) {
            throw new IllegalArgumentException("bit string last byte bits: " + lastByteBits
                    + " (expected: 1..7; a whole number of bytes is a Binary)");
        }
        this.bytes = Arrays.copyOfRange(data, offset, offset + length);
        this.bytes[length - 1] &= (byte) (0xFF << (8 - lastByteBits));
        this.lastByteBits = lastByteBits;
    }

    /** The bytes holding the bits (a copy); unused low bits of the last byte are zero. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** How many high bits of the last byte are used, 1..7. */
    public int lastByteBits() {
        return lastByteBits;
    }

    /** The size in bits. */
    public long bitSize() {
        return (bytes.length - 1) * 8L + lastByteBits;
    }

    /** The number of bytes holding the bits (the last one partly used). */
    public int byteSize() {
        return bytes.length;
    }

    byte[] array() {
        return bytes;
    }

    /** Itself: Java has no bit string type. */
    @Override
    public Object toJava() {
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BitString other && lastByteBits == other.lastByteBits && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Hashing.bytes(5, bytes, 0, bytes.length, lastByteBits);
    }

    /** As Erlang prints it: {@code <<1,2,3:5>>}. */
    @Override
    public String toString() {
        return TermFormat.bits(bytes, 0, bytes.length, lastByteBits);
    }
}
